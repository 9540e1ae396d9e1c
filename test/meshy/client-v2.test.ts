/**
 * The client on API v2's wire (docs/meshy-api.md), against loopback servers scripted by
 * request: routes, the 202 task object, `output`/`null`/`input`, the error object and
 * its codes, textures inside the GLB, and the request echo.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { NodeIO } from "@gltf-transform/core";
import { describe, expect, it } from "vitest";
import { buildHumanoid } from "../../src/gltf/humanoid.js";
import { makeBaseColorTexture } from "../../src/gltf/texture.js";
import type { RigInput } from "../../src/meshy/api.js";
import { tempProject } from "../helpers/project.js";
import { json, makeClient, rejection, startServer } from "./helpers.js";

const V2 = { apiVersion: 2 } as const;

/** A v2 task object (docs/meshy-api.md §3.1). */
function v2Task(over: Record<string, unknown> = {}) {
  return {
    id: "0193c1b0-rig",
    type: "rig",
    status: "SUCCEEDED",
    progress: 100,
    created_at: 1790640000000,
    started_at: 1790640002000,
    finished_at: 1790640075000,
    expires_at: 1790899275000,
    preceding_tasks: 0,
    consumed_credits: 5,
    task_error: null,
    input: { input_task_id: "in-1", height_meters: 1.7 },
    output: {
      rigged_character_glb_url: "https://assets.example/tasks/r/output/Character_output.glb?Expires=1&Signature=s",
      rigged_character_fbx_url: null,
      basic_animations: { walking_glb_url: "https://assets.example/w.glb?Expires=1", running_glb_url: null },
    },
    ...over,
  };
}

const v2Error = (code: string, type: string, message: string) => ({ type, code, message, doc_url: null });

describe("API v2", () => {
  it("creates on /openapi/v2/..., reads the id from the 202 task object, sends only v2 fields", async () => {
    const api = await startServer((hit, res) =>
      json(
        res,
        202,
        v2Task({
          id: hit.url.endsWith("rigging") ? "rig-9" : "anim-9",
          status: "PENDING",
          output: null,
          started_at: null,
          finished_at: null,
          expires_at: null,
        }),
      ),
    );
    const { client } = makeClient(api.url, V2);
    expect(
      await client.createRig({ source: { kind: "task", taskId: "in-1" }, heightMeters: 1.7, skeleton: "mixamo", body: "quadruped" }),
    ).toBe("rig-9");
    expect(await client.createAnimation({ rigTaskId: "rig-9", actionId: 92 })).toBe("anim-9");
    expect(api.hits.map((h) => `${h.method} ${h.url}`)).toEqual(["POST /openapi/v2/rigging", "POST /openapi/v2/animations"]);
    expect(JSON.parse(api.hits[0]!.body.toString())).toEqual({
      input_task_id: "in-1",
      height_meters: 1.7,
      skeleton_template: "mixamo",
      animation_type: "quadruped",
    });
    expect(JSON.parse(api.hits[1]!.body.toString())).toEqual({ rig_task_id: "rig-9", action_id: 92 });
  });

  it("reads any task through /openapi/v2/tasks/{id}: output by role, null as absent, the input echo kept", async () => {
    const api = await startServer((_, res) => json(res, 200, v2Task()));
    const { client } = makeClient(api.url, V2);
    const task = await client.getTask("rig", "0193c1b0-rig");
    expect(api.hits[0]?.url).toBe("/openapi/v2/tasks/0193c1b0-rig");
    expect(task.outputs).toEqual({
      glb: v2Task().output.rigged_character_glb_url,
      "walking.glb": "https://assets.example/w.glb?Expires=1",
    });
    expect(task.input).toEqual({ input_task_id: "in-1", height_meters: 1.7 });
    expect(task.task_error).toBeUndefined();
    const pending = await startServer((_, res) =>
      json(res, 200, v2Task({ status: "PENDING", started_at: null, expires_at: null, output: null })),
    );
    const p = await makeClient(pending.url, V2).client.getTask("rig", "x");
    expect(p.expires_at).toBeUndefined();
    expect(p.outputs).toBeUndefined();
  });

  it("lists with type=, newest first, and reads {data, has_more} or a bare array", async () => {
    let wrapped = true;
    const api = await startServer((_, res) => json(res, 200, wrapped ? { data: [v2Task()], has_more: false } : [v2Task({ id: "b" })]));
    const { client } = makeClient(api.url, V2);
    expect((await client.listTasks("animation", { pageSize: 50, sortBy: "-created_at" })).map((t) => t.id)).toEqual(["0193c1b0-rig"]);
    expect(api.hits[0]?.url).toBe("/openapi/v2/tasks?type=animate&page_size=50&sort_by=-created_at");
    wrapped = false;
    expect((await client.listTasks("rig")).map((t) => t.id)).toEqual(["b"]);
  });

  it.each([
    ["pending_task_limit_reached", "QUEUE_FULL"],
    ["concurrent_task_limit_reached", "QUEUE_FULL"],
  ])("429 %s is a full account queue (no retry)", async (code, expected) => {
    const api = await startServer((_, res) => json(res, 429, v2Error(code, "rate_limited", "wait for a task to finish")));
    const { client } = makeClient(api.url, V2);
    const err = await rejection(client.createAnimation({ rigTaskId: "r", actionId: 0 }));
    expect(err).toMatchObject({ code: expected, meshyCode: code });
    expect(api.hits).toHaveLength(1);
  });

  it("429 rate_limit_exceeded waits Retry-After, then goes on", async () => {
    const api = await startServer((hit, res) =>
      hit.n === 1
        ? json(res, 429, v2Error("rate_limit_exceeded", "rate_limited", "slow down"), { "retry-after": "2" })
        : json(res, 200, v2Task()),
    );
    const { client, sleeps } = makeClient(api.url, V2);
    expect((await client.getTask("rig", "x")).id).toBe("0193c1b0-rig");
    expect(sleeps).toContain(2_000);
  });

  it("branches on the error object's code: input_task_not_ready is a refusal; route_not_found is not a missing task", async () => {
    const api = await startServer((hit, res) =>
      hit.method === "POST"
        ? json(res, 400, v2Error("input_task_not_ready", "invalid_input", "the rigging task is IN_PROGRESS"))
        : json(res, 404, v2Error("route_not_found", "not_found", "NoMatchingRoute: Please double check the path and method")),
    );
    const { client } = makeClient(api.url, V2);
    expect(await rejection(client.createAnimation({ rigTaskId: "r", actionId: 0 }))).toMatchObject({
      code: "REFUSED",
      meshyCode: "input_task_not_ready",
      status: 400,
    });
    expect(await rejection(client.getTask("rig", "x"))).toMatchObject({ code: "REFUSED", meshyCode: "route_not_found" });
  });

  it("follows /openapi/v2/tasks/{id}/stream with v2 task objects", async () => {
    const api = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`event: message\ndata: ${JSON.stringify({ id: "a", status: "IN_PROGRESS", progress: 40 })}\n\n`);
      res.end(
        `event: message\ndata: ${JSON.stringify(v2Task({ id: "a", type: "animate", output: { animation_glb_url: "https://assets.example/a.glb", animation_fbx_url: null } }))}\n\n`,
      );
    });
    const { client } = makeClient(api.url, V2);
    const task = await client.waitForTask("animation", "a");
    expect(api.hits[0]?.url).toBe("/openapi/v2/tasks/a/stream");
    expect(task.outputs).toEqual({ glb: "https://assets.example/a.glb" });
  });

  it("puts a texture inside the uploaded GLB (v2 has no texture_image_url), the same bytes every time", async () => {
    const project = await tempProject();
    await project.write("m.glb", await buildHumanoid({ heightMeters: 1.7, seed: "m", skinned: false }));
    await project.write("t.png", makeBaseColorTexture("t"));
    const api = await startServer((_, res) => json(res, 202, v2Task({ id: "r", status: "PENDING", output: null })));
    const { client } = makeClient(api.url, V2);
    const input: RigInput = {
      source: { kind: "file", path: join(project.dir, "m.glb"), mime: "model/gltf-binary" },
      heightMeters: 1.7,
      texture: { kind: "file", path: join(project.dir, "t.png"), mime: "image/png" },
    };
    await client.createRig(input);
    await client.createRig(input);
    const [first, second] = api.hits.map((h) => JSON.parse(h.body.toString()) as Record<string, string>);
    expect(Object.keys(first!).sort()).toEqual(["height_meters", "model_url"]);
    expect(first!.model_url).toBe(second!.model_url);
    const glb = Buffer.from(first!.model_url!.replace(/^data:model\/gltf-binary;base64,/, ""), "base64");
    const doc = await new NodeIO().readBinary(new Uint8Array(glb));
    const png = doc.getRoot().listTextures()[0]?.getImage();
    expect(Buffer.from(png!).equals(Buffer.from(await readFile(join(project.dir, "t.png"))))).toBe(true);
  });

  it("refuses a texture with an input_task_id under v2 before sending anything", async () => {
    const api = await startServer((_, res) => json(res, 202, v2Task()));
    const { client } = makeClient(api.url, V2);
    const err = await rejection(
      client.createRig({
        source: { kind: "task", taskId: "t" },
        heightMeters: 1.7,
        texture: { kind: "url", url: "https://example.com/t.png" },
      }),
    );
    expect(err).toMatchObject({ code: "REFUSED" });
    expect(err.message).toMatch(/texture cannot be added to an input_task_id/);
    expect(api.hits).toHaveLength(0);
  });
});

describe("echoVerdict", () => {
  it("ties a task to our request by its echo, rules out another, and cannot tell without one", async () => {
    const { echoVerdict } = await import("../../src/meshy/requests.js");
    const clip = { rigTaskId: "rig-1", actionId: 92 };
    const task = (input?: Record<string, unknown>) => ({ id: "t", status: "PENDING" as const, progress: 0, ...(input ? { input } : {}) });
    expect(echoVerdict(task({ rig_task_id: "rig-1", action_id: 92 }), clip)).toBe(true);
    expect(echoVerdict(task({ rig_task_id: "rig-2", action_id: 92 }), clip)).toBe(false);
    expect(echoVerdict(task({ rig_task_id: "rig-1", action_id: 4 }), clip)).toBe(false);
    expect(echoVerdict(task(), clip)).toBeUndefined();
    const upload: RigInput = { source: { kind: "file", path: "m.glb", mime: "model/gltf-binary" }, heightMeters: 1.8 };
    // An upload's echo is not comparable (its form is unknown): the height can still rule a task out.
    expect(echoVerdict(task({ model_url: "data:...", height_meters: 1.8 }), upload)).toBeUndefined();
    expect(echoVerdict(task({ model_url: "data:...", height_meters: 1.1 }), upload)).toBe(false);
    const byUrl: RigInput = { source: { kind: "url", url: "https://example.com/k.glb" }, heightMeters: 1.8 };
    expect(echoVerdict(task({ model_url: "https://example.com/k.glb", height_meters: 1.8 }), byUrl)).toBe(true);
  });
});
