import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { MeshyErrorCode } from "../../src/meshy/errors.js";
import { SUCCEEDED_RIG, TEST_KEY, dumpError, json, makeClient, rejection, startServer } from "./helpers.js";

const created = (id: string) => ({ result: id });

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("endpoints", () => {
  it("creates a rig from a URL: POST /openapi/v1/rigging with the key, 202 {result}", async () => {
    expect.assertions(5);
    const api = await startServer((_, res) => json(res, 202, created("rig-1")));
    const { client } = makeClient(api.url);
    const id = await client.createRig({ source: { kind: "url", url: "https://x.test/m.glb" }, heightMeters: 1.8 });
    expect(id).toBe("rig-1");
    const [hit] = api.hits;
    expect(hit?.method).toBe("POST");
    expect(hit?.url).toBe("/openapi/v1/rigging");
    expect(hit?.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(JSON.parse(hit!.body.toString())).toEqual({ model_url: "https://x.test/m.glb", height_meters: 1.8 });
  });

  it("creates a rig from a task id with a local texture (200 also accepted)", async () => {
    expect.assertions(3);
    const dir = await mkdtemp(join(tmpdir(), "rigup-meshy-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6]);
    await writeFile(join(dir, "t.png"), png);
    const api = await startServer((_, res) => json(res, 200, created("rig-2")));
    const { client } = makeClient(api.url);
    const id = await client.createRig({
      source: { kind: "task", taskId: "t3d-1" },
      heightMeters: 1.7,
      texture: { kind: "file", path: join(dir, "t.png"), mime: "image/png" },
    });
    expect(id).toBe("rig-2");
    expect(api.hits[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(api.hits[0]!.body.toString())).toEqual({
      input_task_id: "t3d-1",
      height_meters: 1.7,
      texture_image_url: `data:image/png;base64,${png.toString("base64")}`,
    });
  });

  it("creates an animation: POST /openapi/v1/animations", async () => {
    expect.assertions(3);
    const api = await startServer((_, res) => json(res, 202, created("anim-1")));
    const { client } = makeClient(api.url);
    const id = await client.createAnimation({
      rigTaskId: "rig-1",
      actionId: 92,
      postProcess: { operation_type: "change_fps", fps: 60 },
    });
    expect(id).toBe("anim-1");
    expect(api.hits[0]?.url).toBe("/openapi/v1/animations");
    expect(JSON.parse(api.hits[0]!.body.toString())).toEqual({
      rig_task_id: "rig-1",
      action_id: 92,
      post_process: { operation_type: "change_fps", fps: 60 },
    });
  });

  it("refuses an invalid request locally without sending it", async () => {
    expect.assertions(2);
    const api = await startServer((_, res) => json(res, 202, created("x")));
    const { client } = makeClient(api.url);
    const err = await rejection(client.createRig({ source: { kind: "task", taskId: "t" }, heightMeters: -1 }));
    expect(err.code).toBe("REFUSED");
    expect(api.hits).toHaveLength(0);
  });

  it.each([
    ["rig", "/openapi/v1/rigging/rig-1"],
    ["animation", "/openapi/v1/animations/rig-1"],
  ] as const)("gets a %s task, tolerating unknown fields", async (kind, path) => {
    expect.assertions(3);
    const api = await startServer((_, res) => json(res, 200, { ...SUCCEEDED_RIG, brand_new_field: { x: 1 } }));
    const { client } = makeClient(api.url);
    const task = await client.getTask(kind, "rig-1");
    expect(api.hits[0]?.url).toBe(path);
    expect(task).toMatchObject({ id: "rig-1", status: "SUCCEEDED", expires_at: SUCCEEDED_RIG.expires_at });
    // Outputs are keyed by the roles of the output tree; a rig's fields are not an animation's.
    expect(task.outputs?.glb).toBe(kind === "rig" ? SUCCEEDED_RIG.result.rigged_character_glb_url : undefined);
  });

  it.each([
    ["a wrong status", { ...SUCCEEDED_RIG, status: "DONE" }],
    ["a missing id", { status: "PENDING" }],
    ["not JSON", "<html>oops</html>"],
  ])("answers BAD_RESPONSE to %s", async (_, body) => {
    expect.assertions(2);
    const api = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    });
    const { client } = makeClient(api.url);
    const err = await rejection(client.getTask("rig", "rig-1"));
    expect(err.code).toBe("BAD_RESPONSE");
    expect(api.hits).toHaveLength(1);
  });

  it("lists tasks with paging and sort", async () => {
    expect.assertions(2);
    const api = await startServer((_, res) => json(res, 200, [SUCCEEDED_RIG, { id: "rig-2", status: "PENDING" }]));
    const { client } = makeClient(api.url);
    const tasks = await client.listTasks("rig", { pageNum: 2, pageSize: 50, sortBy: "-created_at" });
    expect(tasks.map((t) => [t.id, t.progress])).toEqual([
      ["rig-1", 100],
      ["rig-2", 0],
    ]);
    expect(api.hits[0]?.url).toBe("/openapi/v1/rigging?page_num=2&page_size=50&sort_by=-created_at");
  });

  it("rejects a list that is not an array", async () => {
    expect.assertions(1);
    const api = await startServer((_, res) => json(res, 200, { result: [] }));
    const { client } = makeClient(api.url);
    expect((await rejection(client.listTasks("animation"))).code).toBe("BAD_RESPONSE");
  });

  it("deletes a task", async () => {
    expect.assertions(2);
    const api = await startServer((_, res) => json(res, 200, {}));
    const { client } = makeClient(api.url);
    await client.deleteTask("animation", "a/1");
    expect(api.hits[0]?.method).toBe("DELETE");
    expect(api.hits[0]?.url).toBe("/openapi/v1/animations/a%2F1");
  });

  it("lists library actions with filters", async () => {
    expect.assertions(2);
    const action = { action_id: 92, name: "Reaping_Swing", category: "Fighting", sub_category: "Attack", extra: 1 };
    const api = await startServer((_, res) => json(res, 200, [action]));
    const { client } = makeClient(api.url);
    const actions = await client.listActions({ search: "swing", category: "Fighting", subCategory: "Attack", actionIds: [4, 92] });
    expect(actions).toEqual([action]);
    expect(api.hits[0]?.url).toBe("/openapi/v1/animations/library?search=swing&category=Fighting&sub_category=Attack&action_ids=4%2C92");
  });

  it("treats an unreadable POST answer as UNKNOWN_OUTCOME (the id is lost)", async () => {
    expect.assertions(3);
    const api = await startServer((_, res) => json(res, 202, { id: "not-the-documented-shape" }));
    const { client } = makeClient(api.url);
    const err = await rejection(client.createAnimation({ rigTaskId: "r", actionId: 1 }));
    expect(err.code).toBe("UNKNOWN_OUTCOME");
    expect((err.cause as { code?: string }).code).toBe("BAD_RESPONSE");
    expect(api.hits).toHaveLength(1);
  });
});

describe("status codes", () => {
  it.each([
    [400, "REFUSED"],
    [401, "AUTH"],
    [402, "CREDITS"],
    [403, "FORBIDDEN"],
    [404, "NOT_FOUND"],
    [422, "REFUSED"],
  ] as [number, MeshyErrorCode][])("GET %i -> %s, once, with Meshy's message", async (status, code) => {
    expect.assertions(4);
    const api = await startServer((_, res) => json(res, status, { message: `nope ${status}` }));
    const { client } = makeClient(api.url);
    const err = await rejection(client.getTask("rig", "x"));
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.meshyMessage).toBe(`nope ${status}`);
    expect(api.hits).toHaveLength(1);
  });

  it.each([
    [400, "REFUSED"],
    [401, "AUTH"],
    [402, "CREDITS"],
    [422, "REFUSED"],
  ] as [number, MeshyErrorCode][])("POST %i -> %s without retry", async (status, code) => {
    expect.assertions(2);
    const api = await startServer((_, res) => json(res, status, { message: "Pose estimation failed" }));
    const { client } = makeClient(api.url);
    const err = await rejection(client.createRig({ source: { kind: "url", url: "https://x.test/m.glb" }, heightMeters: 1.7 }));
    expect(err.code).toBe(code);
    expect(api.hits).toHaveLength(1);
  });
});

describe("GET retries", () => {
  it("recovers from a dropped socket, then a 500, then answers 200", async () => {
    expect.assertions(3);
    const api = await startServer((hit, res) => {
      if (hit.n === 1) return void res.socket?.destroy();
      if (hit.n === 2) return json(res, 500, { message: "boom" });
      json(res, 200, SUCCEEDED_RIG);
    });
    const { client, sleeps } = makeClient(api.url);
    const task = await client.getTask("rig", "rig-1");
    expect(task.status).toBe("SUCCEEDED");
    expect(api.hits).toHaveLength(3);
    // Backoff 500 ms x2 with half the jitter (random = 0.5, jitter 0.5).
    expect(sleeps).toEqual([375, 750]);
  });

  it("gives up with SERVER after retries.get attempts", async () => {
    expect.assertions(2);
    const api = await startServer((_, res) => json(res, 503, { message: "busy" }));
    const { client } = makeClient(api.url, { retries: { get: 3 } });
    const err = await rejection(client.getTask("rig", "x"));
    expect(err.code).toBe("SERVER");
    expect(api.hits).toHaveLength(3);
  });

  it("gives up with NETWORK when every answer is lost", async () => {
    expect.assertions(2);
    const api = await startServer((_, res) => void res.socket?.destroy());
    const { client } = makeClient(api.url, { retries: { get: 4 } });
    const err = await rejection(client.listTasks("rig"));
    expect(err.code).toBe("NETWORK");
    expect(api.hits).toHaveLength(4);
  });

  it("ends with ABORTED when the caller aborts", async () => {
    expect.assertions(1);
    const api = await startServer(() => {
      /* never answers */
    });
    const { client } = makeClient(api.url);
    const ac = new AbortController();
    const pending = client.getTask("rig", "x", { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect((await rejection(pending)).code).toBe("ABORTED");
  });
});

describe("429", () => {
  it("honours Retry-After in seconds", async () => {
    expect.assertions(3);
    const api = await startServer((hit, res) =>
      hit.n === 1 ? json(res, 429, { message: "RateLimitExceeded" }, { "retry-after": "3" }) : json(res, 200, SUCCEEDED_RIG),
    );
    const { client, sleeps } = makeClient(api.url);
    await expect(client.getTask("rig", "rig-1")).resolves.toMatchObject({ id: "rig-1" });
    expect(sleeps).toEqual([3000]);
    expect(api.hits).toHaveLength(2);
  });

  it("honours Retry-After as an HTTP date", async () => {
    expect.assertions(2);
    const api = await startServer((hit, res) =>
      hit.n === 1
        ? json(res, 429, { message: "RateLimitExceeded" }, { "retry-after": new Date(Date.now() + 5000).toUTCString() })
        : json(res, 200, SUCCEEDED_RIG),
    );
    const { client, sleeps } = makeClient(api.url);
    await client.getTask("rig", "rig-1");
    expect(sleeps).toHaveLength(1);
    // An HTTP date has 1 s resolution.
    expect(sleeps[0]).toBeGreaterThan(3000);
  });

  it("backs off without Retry-After, and retries a rate-limited POST (a 429 created nothing)", async () => {
    expect.assertions(3);
    const api = await startServer((hit, res) =>
      hit.n <= 2 ? json(res, 429, { message: "RateLimitExceeded" }) : json(res, 202, created("anim-9")),
    );
    const { client, sleeps } = makeClient(api.url);
    await expect(client.createAnimation({ rigTaskId: "r", actionId: 0 })).resolves.toBe("anim-9");
    expect(sleeps).toEqual([375, 750]);
    expect(api.hits.filter((h) => h.method === "POST")).toHaveLength(3);
  });

  it("ends with RATE_LIMITED after retries.rateLimited attempts", async () => {
    expect.assertions(3);
    const api = await startServer((_, res) => json(res, 429, { message: "RateLimitExceeded" }, { "retry-after": "1" }));
    const { client } = makeClient(api.url, { retries: { rateLimited: 3 } });
    const err = await rejection(client.getTask("rig", "x"));
    expect(err.code).toBe("RATE_LIMITED");
    expect(err.retryAfterMs).toBe(1000);
    expect(api.hits).toHaveLength(3);
  });

  it.each(["NoMoreConcurrentTasks", "NoMorePendingTasks"])("%s -> QUEUE_FULL at once", async (marker) => {
    expect.assertions(3);
    const api = await startServer((_, res) => json(res, 429, { message: `${marker}: upgrade your plan` }));
    const { client, sleeps } = makeClient(api.url);
    const err = await rejection(client.createRig({ source: { kind: "task", taskId: "t" }, heightMeters: 1.7 }));
    expect(err.code).toBe("QUEUE_FULL");
    expect(api.hits).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe("a POST is never re-sent blindly", () => {
  const rig = { source: { kind: "url", url: "https://x.test/m.glb" }, heightMeters: 1.7 } as const;

  it("socket destroyed after the body was read -> UNKNOWN_OUTCOME, one POST", async () => {
    expect.assertions(2);
    const api = await startServer((_, res) => void res.socket?.destroy());
    const { client } = makeClient(api.url);
    expect((await rejection(client.createRig(rig))).code).toBe("UNKNOWN_OUTCOME");
    expect(api.hits).toHaveLength(1);
  });

  it("500 -> UNKNOWN_OUTCOME, one POST", async () => {
    expect.assertions(3);
    const api = await startServer((_, res) => json(res, 500, { message: "Internal" }));
    const { client } = makeClient(api.url);
    const err = await rejection(client.createRig(rig));
    expect(err.code).toBe("UNKNOWN_OUTCOME");
    expect(err.status).toBe(500);
    expect(api.hits).toHaveLength(1);
  });

  it("headers timeout -> UNKNOWN_OUTCOME, one POST", async () => {
    expect.assertions(2);
    const api = await startServer(() => {
      /* reads the body, never answers */
    });
    const { client } = makeClient(api.url, { timeouts: { headersMs: 200 } });
    expect((await rejection(client.createRig(rig))).code).toBe("UNKNOWN_OUTCOME");
    expect(api.hits).toHaveLength(1);
  });

  it("aborted while waiting for the answer -> UNKNOWN_OUTCOME, not ABORTED", async () => {
    expect.assertions(2);
    const api = await startServer(() => {});
    const { client } = makeClient(api.url);
    const ac = new AbortController();
    const pending = client.createRig(rig, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    expect((await rejection(pending)).code).toBe("UNKNOWN_OUTCOME");
    expect(api.hits).toHaveLength(1);
  });

  it("connection refused -> retried safely with a fresh body", async () => {
    expect.assertions(4);
    const port = await freePort();
    let api: Awaited<ReturnType<typeof startServer>> | undefined;
    const dir = await mkdtemp(join(tmpdir(), "rigup-meshy-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const glb = Buffer.from("glTF-binary-bytes-for-test");
    await writeFile(join(dir, "m.glb"), glb);
    const { client, sleeps } = makeClient(`http://127.0.0.1:${port}`, {
      // The server comes up while the client backs off after ECONNREFUSED.
      sleep: async (ms) => {
        sleeps.push(ms);
        api ??= await startServer((_, res) => json(res, 202, created("rig-7")), { port });
      },
    });
    const id = await client.createRig({ source: { kind: "file", path: join(dir, "m.glb"), mime: "model/gltf-binary" }, heightMeters: 1.7 });
    expect(id).toBe("rig-7");
    expect(sleeps).toHaveLength(1);
    expect(api?.hits).toHaveLength(1);
    expect(JSON.parse(api!.hits[0]!.body.toString()).model_url).toBe(`data:model/gltf-binary;base64,${glb.toString("base64")}`);
  });
});

describe("credentials and assets", () => {
  it("streams an asset from another origin without Authorization", async () => {
    expect.assertions(5);
    const assets = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "model/gltf-binary", "content-length": "6" });
      res.write("abc");
      setTimeout(() => res.end("def"), 20);
    });
    const { client } = makeClient("http://127.0.0.1:1");
    const asset = await client.fetchAsset(`${assets.url}/a.glb?Expires=1&Signature=sig`);
    const chunks: Buffer[] = [];
    for await (const c of asset.body) chunks.push(Buffer.from(c));
    expect(Buffer.concat(chunks).toString()).toBe("abcdef");
    expect(asset.contentType).toBe("model/gltf-binary");
    expect(asset.contentLength).toBe(6);
    expect(assets.hits[0]?.url).toBe("/a.glb?Expires=1&Signature=sig");
    expect(assets.hits[0]?.headers.authorization).toBeUndefined();
  });

  it("an asset body cut mid-stream fails as a MeshyError NETWORK naming the URL without its signature", async () => {
    expect.assertions(4);
    const assets = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "model/gltf-binary", "content-length": "100" });
      res.write("glTF-part");
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const { client } = makeClient("http://127.0.0.1:1");
    const asset = await client.fetchAsset(`${assets.url}/a.glb?Expires=1&Signature=SECRETSIG`);
    const err = await rejection(
      (async () => {
        for await (const _chunk of asset.body);
      })(),
    );
    expect(err.name).toBe("MeshyError");
    expect(err.code).toBe("NETWORK");
    expect(err.message).toContain("/a.glb");
    expect(dumpError(err)).not.toContain("SECRETSIG");
  });

  it("sends no Authorization for an asset on the API origin either", async () => {
    expect.assertions(1);
    const api = await startServer((_, res) => res.end("x"));
    const { client } = makeClient(api.url);
    await (await client.fetchAsset(`${api.url}/asset.bin`)).body[Symbol.asyncIterator]().next();
    expect(api.hits[0]?.headers.authorization).toBeUndefined();
  });

  it("follows asset redirects without credentials", async () => {
    expect.assertions(4);
    const target = await startServer((_, res) => res.end("payload"));
    const hop = await startServer((hit, res) => {
      res.writeHead(302, { location: hit.n === 1 ? "/second?sig=1" : `${target.url}/final.glb?sig=2` });
      res.end();
    });
    const { client } = makeClient("http://127.0.0.1:1");
    const asset = await client.fetchAsset(`${hop.url}/first`);
    let text = "";
    for await (const c of asset.body) text += Buffer.from(c).toString();
    expect(text).toBe("payload");
    expect(hop.hits.map((h) => h.url)).toEqual(["/first", "/second?sig=1"]);
    expect(target.hits[0]?.url).toBe("/final.glb?sig=2");
    expect([...hop.hits, ...target.hits].every((h) => h.headers.authorization === undefined)).toBe(true);
  });

  it("stops after 5 redirects", async () => {
    expect.assertions(2);
    const loop = await startServer((hit, res) => {
      res.writeHead(307, { location: `/hop${hit.n}` });
      res.end();
    });
    const { client } = makeClient("http://127.0.0.1:1");
    expect((await rejection(client.fetchAsset(`${loop.url}/start`))).code).toBe("BAD_RESPONSE");
    expect(loop.hits).toHaveLength(6);
  });

  it("does not follow a redirect from the API (the key would go along)", async () => {
    expect.assertions(3);
    const elsewhere = await startServer((_, res) => json(res, 200, SUCCEEDED_RIG));
    const api = await startServer((_, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/openapi/v1/rigging/rig-1` });
      res.end();
    });
    const { client } = makeClient(api.url);
    const err = await rejection(client.getTask("rig", "rig-1"));
    expect(err.code).toBe("BAD_RESPONSE");
    expect(err.status).toBe(302);
    expect(elsewhere.hits).toHaveLength(0);
  });

  it.each([
    [403, "FORBIDDEN"],
    [404, "NOT_FOUND"],
  ] as [number, MeshyErrorCode][])("asset %i -> %s without the signed query in the message", async (status, code) => {
    expect.assertions(3);
    const assets = await startServer((_, res) => {
      res.writeHead(status, { "content-type": "application/xml" });
      res.end("<Error><Code>AccessDenied</Code></Error>");
    });
    const { client } = makeClient("http://127.0.0.1:1");
    const err = await rejection(client.fetchAsset(`${assets.url}/a.glb?Expires=1&Signature=SECRETSIG`));
    expect(err.code).toBe(code);
    expect(err.message).toContain("/a.glb");
    expect(dumpError(err)).not.toContain("SECRETSIG");
  });

  it("asset 5xx is retried like any GET", async () => {
    expect.assertions(2);
    const assets = await startServer((hit, res) => (hit.n === 1 ? json(res, 502, {}) : res.end("ok")));
    const { client } = makeClient("http://127.0.0.1:1");
    const asset = await client.fetchAsset(`${assets.url}/a.glb`);
    expect(asset.status).toBe(200);
    expect(assets.hits).toHaveLength(2);
  });
});

describe("the key never leaks", () => {
  it("is redacted from messages, Meshy messages, causes and logs", async () => {
    expect.assertions(8);
    const api = await startServer((hit, res) => {
      // A server that echoes the credential back, the worst case.
      if (hit.url.includes("auth")) return json(res, 401, { message: `Invalid key ${hit.headers.authorization}` });
      if (hit.url.includes("echo")) return json(res, 400, { message: `bad: ${TEST_KEY}` });
      res.socket?.destroy();
    });
    const { client, logs } = makeClient(api.url, { retries: { get: 2 } });
    const errors = [
      await rejection(client.getTask("rig", "auth")),
      await rejection(client.getTask("rig", "echo")),
      await rejection(client.getTask("rig", "drop")),
      await rejection(client.createRig({ source: { kind: "url", url: "https://x.test/drop" }, heightMeters: 1 })),
    ];
    expect(errors.map((e) => e.code)).toEqual(["AUTH", "REFUSED", "NETWORK", "UNKNOWN_OUTCOME"]);
    expect(errors[0]?.meshyMessage).toBe("Invalid key Bearer ***");
    expect(errors[1]?.meshyMessage).toBe("bad: msy_***");
    for (const err of errors) expect(dumpError(err)).not.toContain(TEST_KEY);
    expect(logs.join("\n")).not.toContain(TEST_KEY);
  });
});
