/**
 * Loopback servers that script answers by request count (undici's test style),
 * and a MeshyClient wired for fast, deterministic tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";
import { MeshyClient, type MeshyClientOptions } from "../../src/meshy/client.js";
import { MeshyError } from "../../src/meshy/errors.js";
import { wireFor } from "../../src/meshy/wire.js";

export const TEST_KEY = "msy_TESTsecretKEY_0123456789abcdef";

export interface Hit {
  /** 1-based arrival number. */
  n: number;
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  at: number;
}

export type Handler = (hit: Hit, res: ServerResponse, req: IncomingMessage) => unknown;

export interface TestServer {
  url: string;
  port: number;
  hits: Hit[];
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1:0 whose `handler` sees each request after its
 * body was read. Closed automatically when the test finishes.
 */
export async function startServer(handler: Handler, opts: { port?: number } = {}): Promise<TestServer> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const hit: Hit = {
        n: hits.length + 1,
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      hits.push(hit);
      Promise.resolve(handler(hit, res, req)).catch((err: unknown) => {
        res.destroy(err as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  onTestFinished(close);
  return { url: `http://127.0.0.1:${port}`, port, hits, close };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export interface TestClient {
  client: MeshyClient;
  /** Delays the client asked to sleep, in order. */
  sleeps: number[];
  logs: string[];
}

/**
 * A client with an instant `sleep` (recorded, abort-aware), fixed jitter and
 * captured logs, speaking API v1 unless `overrides` say otherwise (these scripted
 * servers answer v1's shapes). Closed automatically when the test finishes.
 */
export function makeClient(baseUrl: string, overrides: Partial<MeshyClientOptions> = {}): TestClient {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const client = new MeshyClient({
    apiKey: TEST_KEY,
    baseUrl,
    apiVersion: 1,
    requestsPerSecond: 1000,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      if (signal?.aborted) throw signal.reason;
      await new Promise((r) => setImmediate(r));
    },
    random: () => 0.5,
    onLog: (line) => logs.push(line),
    timeouts: { headersMs: 2000, bodyMs: 2000, connectMs: 2000, streamIdleMs: 2000 },
    ...overrides,
  });
  onTestFinished(() => client.close());
  return { client, sleeps, logs };
}

/** Resolves with the MeshyError `promise` rejects with (fails the test otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<MeshyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MeshyError) return err;
    throw new Error(`expected a MeshyError, got ${String(err)}`, { cause: err });
  }
  throw new Error("expected a rejection");
}

/** Everything about an error that could leak: message, stack, cause chain, own fields. */
export function dumpError(err: unknown, depth = 0): string {
  if (!(err instanceof Error) || depth > 6) return String(err);
  const fields = JSON.stringify(err, Object.getOwnPropertyNames(err));
  return [err.message, err.stack ?? "", fields, dumpError(err.cause, depth + 1)].join("\n");
}

export const SUCCEEDED_RIG = {
  id: "rig-1",
  type: "rig",
  status: "SUCCEEDED",
  progress: 100,
  created_at: 1747032400453,
  started_at: 1747032401314,
  finished_at: 1747032418417,
  expires_at: 1747291618417,
  task_error: { message: "" },
  result: {
    rigged_character_fbx_url: "https://assets.example/rig.fbx?Expires=1&Signature=s",
    rigged_character_glb_url: "https://assets.example/rig.glb?Expires=1&Signature=s",
    basic_animations: { walking_glb_url: "https://assets.example/walk.glb?Expires=1" },
  },
  preceding_tasks: 0,
  consumed_credits: 5,
};

/** SUCCEEDED_RIG as the client hands it out (version-neutral: outputs by role). */
export const SUCCEEDED_RIG_TASK = wireFor(1).task("rig", SUCCEEDED_RIG);
