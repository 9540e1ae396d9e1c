import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, expect, it } from "vitest";
import { S3Client } from "@aws-sdk/client-s3";
import { directReads } from "../../src/store/s3-direct-reads.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

// The direct reads' own timeouts (the S3 store passes 10 s to connect, 60 s of silence), here short.
const LIMITS = { connections: 4, connectTimeoutMs: 2_000, idleTimeoutMs: 300 };

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback server that reads a request and then does `answer` with the socket (or nothing). */
async function server(answer: (socket: Socket) => void): Promise<string> {
  const s = createServer((socket) => {
    sockets.push(socket);
    socket.once("data", () => answer(socket));
  });
  servers.push(s);
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}

async function reads(endpoint: string) {
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-real-secret" },
  });
  const direct = await directReads(client, { bucket: "team", endpoint }, LIMITS);
  expect(direct).toBeDefined();
  return direct!;
}

it("a store that never answers: the read gives up after the idle timeout, for the SDK to ask (and retry)", async () => {
  const direct = await reads(await server(() => {}));
  try {
    const started = performance.now();
    expect(await direct.get("objects/sha256/ab/abc")).toBeUndefined();
    expect(await direct.head("objects/sha256/ab/abc")).toBeUndefined();
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThanOrEqual(2 * LIMITS.idleTimeoutMs - 50);
    expect(ms).toBeLessThan(5_000);
  } finally {
    await direct.close();
  }
});

it("a body that stops midway: its reader gets ETIMEDOUT after the idle timeout, not a hang", async () => {
  const endpoint = await server((socket) => {
    socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
    socket.write(Buffer.alloc(1000, 1));
  });
  const direct = await reads(endpoint);
  try {
    const got = await direct.get("objects/sha256/ab/abc");
    expect(got?.size).toBe(100_000);
    const started = performance.now();
    let bytes = 0;
    const err = await (async () => {
      for await (const chunk of got!.body) bytes += (chunk as Buffer).length;
    })().catch((e: unknown) => e);
    expect(bytes).toBe(1000);
    expect(err).toMatchObject({ code: "ETIMEDOUT" });
    expect(performance.now() - started).toBeLessThan(5_000);
  } finally {
    await direct.close();
  }
});

it("closing gives every connection back at once, a body being read included", async () => {
  const endpoint = await server((socket) => {
    socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
  });
  const direct = await reads(endpoint);
  const got = await direct.get("objects/sha256/ab/abc");
  const reading = (async () => {
    for await (const _ of got!.body);
  })().catch((e: unknown) => e);
  const started = performance.now();
  await direct.close();
  expect(await reading).toBeInstanceOf(Error);
  expect(performance.now() - started).toBeLessThan(LIMITS.idleTimeoutMs);
});
