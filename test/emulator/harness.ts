/** Test harness: an emulator per test (closed when the test ends) and plain-HTTP helpers. */
import { expect, onTestFinished } from "vitest";
import { ERRORS, startEmulator, type Emulator, type EmulatorOptions, type ErrorCode } from "../../src/emulator/index.js";
import { buildHumanoid } from "../../src/gltf/humanoid.js";

export async function useEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ speed: "instant", rateLimit: 0, ...options });
  onTestFinished(() => emu.close());
  return emu;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** One plain fetch; JSON parsed when possible. */
export async function call(emu: Emulator, method: string, path: string, body?: unknown, key: string | null = emu.apiKey): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path.startsWith("http") ? path : `${emu.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

let glbUri: string | undefined;
/** A data URI of a small unrigged humanoid GLB. */
export async function modelDataUri(): Promise<string> {
  glbUri ??= `data:model/gltf-binary;base64,${Buffer.from(await buildHumanoid({ heightMeters: 1.7, seed: "test", skinned: false, texture: false })).toString("base64")}`;
  return glbUri;
}

export async function createRig(
  emu: Emulator,
  body: Record<string, unknown> = { model_url: "https://example.com/hero.glb" },
): Promise<string> {
  const r = await call(emu, "POST", "/openapi/v1/rigging", body);
  if (r.status !== 202) throw new Error(`create rig: ${r.status} ${r.text}`);
  return r.json.result as string;
}

export async function createAnimation(emu: Emulator, body: Record<string, unknown>): Promise<string> {
  const r = await call(emu, "POST", "/openapi/v1/animations", body);
  if (r.status !== 202) throw new Error(`create animation: ${r.status} ${r.text}`);
  return r.json.result as string;
}

/** POST /openapi/v2/<path>; the 202 body (the whole v2 task object). */
export async function createV2(emu: Emulator, path: "rigging" | "animations", body: Record<string, unknown>): Promise<any> {
  const r = await call(emu, "POST", `/openapi/v2/${path}`, body);
  if (r.status !== 202) throw new Error(`create ${path} (v2): ${r.status} ${r.text}`);
  return r.json;
}

/** A succeeded v2 rig's id (the emulator runs at speed instant unless told otherwise). */
export async function rigV2(emu: Emulator, body: Record<string, unknown> = { model_url: "https://example.com/hero.glb" }): Promise<string> {
  return (await createV2(emu, "rigging", body)).id as string;
}

/**
 * A v2 error answer: its status, exactly the four fields, the code with its type from
 * the emulator's table, and Retry-After only on rate_limit_exceeded (docs/meshy-api.md §5).
 */
export function expectV2Error(r: Answer, status: number, code: ErrorCode): void {
  expect(r.status, r.text).toBe(status);
  expect(Object.keys(r.json)).toEqual(["type", "code", "message", "doc_url"]);
  expect(r.json).toMatchObject({ type: ERRORS[code].type, code });
  expect(r.json.message).toMatch(/\S/);
  expect(r.json.doc_url === null || typeof r.json.doc_url === "string").toBe(true);
  expect(r.headers.has("retry-after"), "Retry-After").toBe(code === "rate_limit_exceeded");
}

export interface SseEvent {
  event: string;
  data: any;
}

/**
 * Reads SSE events until the server closes the stream, `max` events arrived, or
 * `timeoutMs` passed. `closed` says whether the server ended the stream; `error`
 * whether the connection broke.
 */
export async function readSse(url: string, key: string, opts: { max?: number; timeoutMs?: number } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 5000);
  const events: SseEvent[] = [];
  let closed = false;
  let broken = false;
  let status = 0;
  let contentType: string | null = null;
  try {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${key}`, Accept: "text/event-stream" }, signal: controller.signal });
    status = res.status;
    contentType = res.headers.get("content-type");
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let sep: number;
      while ((sep = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, sep);
        buffer = buffer.slice(sep + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = /^data: (.*)$/m.exec(block)?.[1];
        events.push({ event, data: data === undefined ? undefined : JSON.parse(data) });
      }
      if (opts.max !== undefined && events.length >= opts.max) {
        controller.abort();
        break;
      }
    }
    closed = !controller.signal.aborted;
  } catch (err) {
    broken = !controller.signal.aborted;
    if (!broken && (opts.max === undefined || events.length < opts.max)) throw err;
  } finally {
    clearTimeout(timer);
  }
  return { status, contentType, events, closed, broken };
}
