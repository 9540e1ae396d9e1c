import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import type { TaskProgress } from "../../src/meshy/api.js";
import { sleep as realSleep } from "../../src/async/sleep.js";
import { readTaskStream } from "../../src/meshy/stream.js";
import { wireFor } from "../../src/meshy/wire.js";
import { SUCCEEDED_RIG, SUCCEEDED_RIG_TASK, json, makeClient, rejection, startServer } from "./helpers.js";

const isStream = (url: string) => url.endsWith("/stream");

function openSse(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.socket?.setNoDelay(true);
}

function event(data: unknown, type = "message"): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

const progressOf = (events: TaskProgress[]) => events.map((e) => [e.status, e.progress, e.via]);

describe("waitForTask over SSE", () => {
  it("follows the stream to a full terminal object without any GET", async () => {
    expect.assertions(5);
    const api = await startServer((_, res) => {
      openSse(res);
      res.write(event({ id: "rig-1", status: "PENDING", progress: 0, preceding_tasks: 3 }));
      res.write(event({ id: "rig-1", status: "IN_PROGRESS", progress: 50 }));
      res.end(event(SUCCEEDED_RIG));
    });
    const { client } = makeClient(api.url);
    const events: TaskProgress[] = [];
    const task = await client.waitForTask("rig", "rig-1", { onProgress: (p) => events.push(p) });
    expect(task).toEqual(SUCCEEDED_RIG_TASK);
    expect(events[0]).toEqual({ kind: "rig", id: "rig-1", status: "PENDING", progress: 0, precedingTasks: 3, via: "stream" });
    expect(progressOf(events)).toEqual([
      ["PENDING", 0, "stream"],
      ["IN_PROGRESS", 50, "stream"],
      ["SUCCEEDED", 100, "stream"],
    ]);
    expect(api.hits.map((h) => h.url)).toEqual(["/openapi/v1/rigging/rig-1/stream"]);
    expect(api.hits[0]?.headers.accept).toBe("text/event-stream");
  });

  it("parses multi-line data, CRLF line endings and comments", async () => {
    expect.assertions(2);
    const pretty = JSON.stringify({ ...SUCCEEDED_RIG, id: "anim-1" }, null, 2).split("\n");
    const api = await startServer((_, res) => {
      openSse(res);
      res.write(": ping\r\n\r\n");
      res.write('event: message\r\ndata: {"id":"anim-1",\r\ndata: "status":"IN_PROGRESS","progress":40}\r\n\r\n');
      res.write(": keep-alive\r\n");
      res.end(`event: message\r\n${pretty.map((l) => `data: ${l}\r\n`).join("")}\r\n`);
    });
    const { client } = makeClient(api.url);
    const events: TaskProgress[] = [];
    const task = await client.waitForTask("rig", "anim-1", { onProgress: (p) => events.push(p) });
    expect(task.outputs?.fbx).toBe(SUCCEEDED_RIG.result.rigged_character_fbx_url);
    expect(progressOf(events)).toEqual([
      ["IN_PROGRESS", 40, "stream"],
      ["SUCCEEDED", 100, "stream"],
    ]);
  });

  it("keeps a UTF-8 character split across TCP writes intact", async () => {
    expect.assertions(1);
    const message = "échec — 失败 🦴";
    const bytes = Buffer.from(event({ id: "rig-1", status: "FAILED", progress: 0, task_error: { message }, result: null }));
    const cut = bytes.indexOf(Buffer.from("失")) + 1; // inside the 3-byte sequence
    const api = await startServer((_, res) => {
      openSse(res);
      res.write(bytes.subarray(0, cut));
      setTimeout(() => res.end(bytes.subarray(cut)), 50);
    });
    const { client } = makeClient(api.url);
    const task = await client.waitForTask("rig", "rig-1");
    expect(task.task_error?.message).toBe(message);
  });

  it.each([
    [404, "NOT_FOUND"],
    [500, "STREAM"],
  ] as const)("treats event: error {status_code: %i} after HTTP 200 as %s", async (status, code) => {
    expect.assertions(3);
    const api = await startServer((_, res) => {
      openSse(res);
      res.write(event({ id: "rig-1", status: "IN_PROGRESS", progress: 10 }));
      res.end(event({ status_code: status, message: "Task not found" }, "error"));
    });
    const { client } = makeClient(api.url);
    const err = await rejection(client.waitForTask("rig", "rig-1"));
    expect(err.code).toBe(code);
    expect(err.meshyMessage).toBe("Task not found");
    expect(api.hits).toHaveLength(1);
  });

  it("falls back to a GET when the stream stalls", async () => {
    expect.assertions(3);
    const api = await startServer((hit, res) => {
      if (!isStream(hit.url)) return json(res, 200, SUCCEEDED_RIG);
      openSse(res);
      res.write(event({ id: "rig-1", status: "IN_PROGRESS", progress: 30 })); // then silence
    });
    const { client } = makeClient(api.url, { timeouts: { streamIdleMs: 150 } });
    const events: TaskProgress[] = [];
    const task = await client.waitForTask("rig", "rig-1", { onProgress: (p) => events.push(p) });
    expect(task).toEqual(SUCCEEDED_RIG_TASK);
    expect(api.hits.map((h) => h.url)).toEqual(["/openapi/v1/rigging/rig-1/stream", "/openapi/v1/rigging/rig-1"]);
    expect(progressOf(events)).toEqual([
      ["IN_PROGRESS", 30, "stream"],
      ["SUCCEEDED", 100, "poll"],
    ]);
  });

  it("counts comments as liveness: pings keep a slow stream open", async () => {
    expect.assertions(2);
    const api = await startServer((hit, res) => {
      if (!isStream(hit.url)) return json(res, 500, {});
      openSse(res);
      const ping = setInterval(() => res.write(": ping\n\n"), 40);
      setTimeout(() => {
        clearInterval(ping);
        res.end(event(SUCCEEDED_RIG));
      }, 400);
      res.on("close", () => clearInterval(ping));
    });
    const { client } = makeClient(api.url, { timeouts: { streamIdleMs: 150 } });
    const task = await client.waitForTask("rig", "rig-1");
    expect(task.status).toBe("SUCCEEDED");
    expect(api.hits).toHaveLength(1);
  });

  it("falls back to polling with backoff when the stream drops mid-way", async () => {
    expect.assertions(3);
    const api = await startServer((hit, res) => {
      if (isStream(hit.url)) {
        openSse(res);
        res.write(event({ id: "rig-1", status: "IN_PROGRESS", progress: 20 }));
        return void setTimeout(() => res.socket?.destroy(), 20);
      }
      if (hit.n < 5) return json(res, 200, { id: "rig-1", status: "IN_PROGRESS", progress: hit.n * 20 });
      json(res, 200, SUCCEEDED_RIG);
    });
    const { client, sleeps } = makeClient(api.url);
    const events: TaskProgress[] = [];
    const task = await client.waitForTask("rig", "rig-1", { onProgress: (p) => events.push(p) });
    expect(task.status).toBe("SUCCEEDED");
    // Poll delays 2 s x1.5, minus 10 % jitter (jitter 0.2, random 0.5).
    expect(sleeps).toEqual([1800, 2700, 4050]);
    expect(progressOf(events)).toEqual([
      ["IN_PROGRESS", 20, "stream"],
      ["IN_PROGRESS", 40, "poll"],
      ["IN_PROGRESS", 60, "poll"],
      ["IN_PROGRESS", 80, "poll"],
      ["SUCCEEDED", 100, "poll"],
    ]);
  });

  it("caps poll delays at maxMs", async () => {
    expect.assertions(2);
    const api = await startServer((hit, res) => {
      if (isStream(hit.url)) return json(res, 503, {}); // not retried: polling takes over
      json(res, 200, hit.n < 12 ? { id: "a", status: "PENDING", progress: 0 } : { ...SUCCEEDED_RIG, id: "a" });
    });
    const { client, sleeps } = makeClient(api.url, { poll: { jitter: 0 } });
    await client.waitForTask("animation", "a");
    expect(sleeps.slice(0, 6)).toEqual([2000, 3000, 4500, 6750, 10125, 15188]);
    expect(sleeps.slice(6)).toEqual([20000, 20000, 20000, 20000]);
  });

  it("falls back when the stream ends without a terminal status", async () => {
    expect.assertions(2);
    const api = await startServer((hit, res) => {
      if (!isStream(hit.url)) return json(res, 200, SUCCEEDED_RIG);
      openSse(res);
      res.end(event({ id: "rig-1", status: "IN_PROGRESS", progress: 90 }));
    });
    const { client } = makeClient(api.url);
    await expect(client.waitForTask("rig", "rig-1")).resolves.toEqual(SUCCEEDED_RIG_TASK);
    expect(api.hits).toHaveLength(2);
  });

  it("GETs the full object once when the terminal event lacks the result", async () => {
    expect.assertions(2);
    const api = await startServer((hit, res) => {
      if (!isStream(hit.url)) return json(res, 200, SUCCEEDED_RIG);
      openSse(res);
      res.end(event({ id: "rig-1", status: "SUCCEEDED", progress: 100 }));
    });
    const { client } = makeClient(api.url);
    await expect(client.waitForTask("rig", "rig-1")).resolves.toEqual(SUCCEEDED_RIG_TASK);
    expect(api.hits.map((h) => h.url)).toEqual(["/openapi/v1/rigging/rig-1/stream", "/openapi/v1/rigging/rig-1"]);
  });

  it("falls back when a stream event is not a task", async () => {
    expect.assertions(1);
    const api = await startServer((hit, res) => {
      if (!isStream(hit.url)) return json(res, 200, SUCCEEDED_RIG);
      openSse(res);
      res.end(event({ hello: "world" }));
    });
    const { client } = makeClient(api.url);
    await expect(client.waitForTask("rig", "rig-1")).resolves.toEqual(SUCCEEDED_RIG_TASK);
  });

  it("throws NOT_FOUND when the stream itself answers 404", async () => {
    expect.assertions(2);
    const api = await startServer((_, res) => json(res, 404, { message: "Task not found" }));
    const { client } = makeClient(api.url);
    expect((await rejection(client.waitForTask("rig", "gone"))).code).toBe("NOT_FOUND");
    expect(api.hits).toHaveLength(1);
  });

  it("ends with ABORTED at the total deadline", async () => {
    expect.assertions(2);
    const api = await startServer((hit, res) => {
      if (isStream(hit.url)) return json(res, 502, {});
      json(res, 200, { id: "rig-1", status: "PENDING", progress: 0 });
    });
    const { client } = makeClient(api.url, { sleep: realSleep, poll: { initialMs: 20, maxMs: 40 } });
    const err = await rejection(client.waitForTask("rig", "rig-1", { timeoutMs: 300 }));
    expect(err.code).toBe("ABORTED");
    expect(err.message).toMatch(/gave up waiting for rig task rig-1 after 300 ms/);
  });

  it("ends with ABORTED when the caller aborts a quiet stream", async () => {
    expect.assertions(2);
    const api = await startServer((_, res) => openSse(res));
    const { client } = makeClient(api.url);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await rejection(client.waitForTask("rig", "rig-1", { signal: ac.signal }));
    expect(err.code).toBe("ABORTED");
    expect(api.hits).toHaveLength(1);
  });
});

describe("readTaskStream", () => {
  const v1Task = (json: unknown) => wireFor(1).task("rig", json);

  async function* bytesOneByOne(text: string) {
    for (const b of Buffer.from(text)) yield Uint8Array.of(b);
  }

  it("decodes a stream fed one byte at a time", async () => {
    expect.assertions(2);
    const seen: string[] = [];
    const outcome = await readTaskStream(
      bytesOneByOne(`: hi\r\n\r\n${event({ id: "ü", status: "CANCELED", progress: 0, task_error: { message: "停止" } })}`),
      { idleMs: 1000, onTask: (t) => seen.push(t.id), onStall: () => {}, parseTask: v1Task },
    );
    expect(seen).toEqual(["ü"]);
    expect(outcome).toMatchObject({ kind: "terminal", task: { status: "CANCELED", task_error: { message: "停止" } } });
  });

  it("reports an error event without a parseable body", async () => {
    expect.assertions(1);
    const outcome = await readTaskStream(bytesOneByOne("event: error\ndata: upstream exploded\n\n"), {
      idleMs: 1000,
      onTask: () => {},
      onStall: () => {},
      parseTask: v1Task,
    });
    expect(outcome).toEqual({ kind: "error", message: "upstream exploded" });
  });
});
