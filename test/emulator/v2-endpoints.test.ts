/**
 * API v2 over plain HTTP (docs/meshy-api.md): every route, the task object and its
 * `input` echo, v1 and v2 over one store with shared limits, the version switch,
 * fault scripts and stats on v2 endpoint keys, and v2 fields in the state file.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeIO } from "@gltf-transform/core";
import { describe, expect, it, onTestFinished } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { call, createAnimation, createRig, createV2, expectV2Error, modelDataUri, readSse, rigV2, useEmulator } from "./harness.js";

const DAY = 86_400_000;
const TASK_KEYS = [
  "id",
  "type",
  "status",
  "progress",
  "created_at",
  "started_at",
  "finished_at",
  "expires_at",
  "preceding_tasks",
  "consumed_credits",
  "task_error",
  "input",
  "output",
];
const RIG_OUTPUT_KEYS = ["basic_animations", "rigged_character_fbx_url", "rigged_character_glb_url"];
const BASIC_KEYS = [
  "running_armature_glb_url",
  "running_fbx_url",
  "running_glb_url",
  "walking_armature_glb_url",
  "walking_fbx_url",
  "walking_glb_url",
];
const ANIMATION_OUTPUT_KEYS = [
  "animation_fbx_url",
  "animation_glb_url",
  "processed_animation_fps_fbx_url",
  "processed_armature_fbx_url",
  "processed_usdz_url",
];
const HERO = { model_url: "https://example.com/hero.glb" };

const getV2 = async (emu: Parameters<typeof call>[0], id: string) => (await call(emu, "GET", `/openapi/v2/tasks/${id}`)).json;
const ids = (tasks: { id: string }[]) => tasks.map((t) => t.id);

describe("v2 rigging", () => {
  it("creates with 202 and the whole task object as queued, then reads it through /openapi/v2/tasks/:id", async () => {
    const emu = await useEmulator({ rigMs: 60_000 });
    const created = await call(emu, "POST", "/openapi/v2/rigging", { ...HERO, height_meters: 1.8 });
    expect(created.status).toBe(202);
    expect(Object.keys(created.json)).toEqual(TASK_KEYS);
    expect(created.json).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: "rig",
      status: "PENDING",
      progress: 0,
      created_at: expect.any(Number),
      started_at: null,
      finished_at: null,
      expires_at: null,
      preceding_tasks: 0,
      consumed_credits: 5,
      task_error: null,
      input: { ...HERO, height_meters: 1.8 },
      output: null,
    });
    expect(Math.abs(created.json.created_at - Date.now())).toBeLessThan(60_000);

    const running = await getV2(emu, created.json.id);
    expect(Object.keys(running)).toEqual(TASK_KEYS);
    expect(running).toMatchObject({
      status: "IN_PROGRESS",
      started_at: expect.any(Number),
      finished_at: null,
      expires_at: null,
      output: null,
      task_error: null,
    });

    emu.advanceClock(60_000);
    const done = await getV2(emu, created.json.id);
    expect(done).toMatchObject({ status: "SUCCEEDED", progress: 100, preceding_tasks: 0, consumed_credits: 5, task_error: null });
    expect(done.finished_at - done.started_at).toBe(60_000);
    expect(done.expires_at).toBe(done.finished_at + 3 * DAY); // the emulator's rigRetentionMs
    expect(Object.keys(done.output).sort()).toEqual(RIG_OUTPUT_KEYS);
    expect(Object.keys(done.output.basic_animations).sort()).toEqual(BASIC_KEYS);
    for (const url of [done.output.rigged_character_glb_url, ...Object.values(done.output.basic_animations)])
      expect(url).toMatch(/^http:\/\/.*\/assets\//);

    // The same URLs on every read, valid until expires_at (docs/meshy-api.md §6.4: no refresh).
    emu.advanceClock(2 * DAY);
    expect((await getV2(emu, created.json.id)).output).toEqual(done.output);
    const glb = await fetch(done.output.rigged_character_glb_url);
    expect(glb.status).toBe(200);
    expect(glb.headers.get("content-type")).toBe("model/gltf-binary");
  });

  it("echoes exactly the fields sent: no defaults filled, a data URI as its digest", async () => {
    const emu = await useEmulator();
    const sent = {
      input_task_id: "018a210d-8ba4-705c-b111-1f1776f7f578",
      height_meters: 1.75,
      skeleton_template: "mixamo",
      animation_type: "biped",
    };
    expect((await createV2(emu, "rigging", sent)).input).toEqual(sent);
    expect((await createV2(emu, "rigging", HERO)).input).toEqual(HERO);

    const uri = await modelDataUri();
    const sha = createHash("sha256")
      .update(Buffer.from(uri.split(",")[1]!, "base64"))
      .digest("hex");
    const task = await createV2(emu, "rigging", { model_url: uri });
    expect(task.input).toEqual({ model_url: `data:model/gltf-binary;sha256,${sha}` });
    expect((await getV2(emu, task.id)).input).toEqual(task.input);
  });

  it("a FAILED task: task_error is the four-field error object, output and expires_at null, credits refunded", async () => {
    const emu = await useEmulator({ faults: { failInputs: ["broken"] } });
    const id = await rigV2(emu, { model_url: "https://example.com/broken.glb" });
    const task = await getV2(emu, id);
    expect(task).toMatchObject({ status: "FAILED", output: null, expires_at: null, consumed_credits: 0, finished_at: expect.any(Number) });
    expect(task.task_error).toEqual({ type: "task_failed", code: "rigging_failed", message: expect.stringMatching(/\S/), doc_url: null });
  });
});

describe("v2 animations", () => {
  it("action_id: 3 credits, the echo, and every output field present (null when not produced)", async () => {
    const emu = await useEmulator();
    const rig = await rigV2(emu);
    const created = await createV2(emu, "animations", { rig_task_id: rig, action_id: 0 });
    expect(created).toMatchObject({
      type: "animate",
      status: "PENDING",
      consumed_credits: 3,
      output: null,
      input: { rig_task_id: rig, action_id: 0 },
    });
    const task = await getV2(emu, created.id);
    expect(task.status).toBe("SUCCEEDED");
    expect(Object.keys(task.output).sort()).toEqual(ANIMATION_OUTPUT_KEYS);
    expect(task.output).toMatchObject({
      processed_usdz_url: null,
      processed_armature_fbx_url: null,
      processed_animation_fps_fbx_url: null,
    });
    expect(task.output.animation_glb_url).toMatch(/\/Animation_Idle_withSkin\.glb\?/);

    const usdz = await createV2(emu, "animations", { rig_task_id: rig, action_id: 0, post_process: { operation_type: "fbx2usdz" } });
    const withUsdz = (await getV2(emu, usdz.id)).output;
    expect(withUsdz.processed_usdz_url).toMatch(/processed\.usdz/);
    expect(withUsdz.processed_armature_fbx_url).toBeNull();
  });

  it("action_ids: 3 credits each, one GLB with one clip per action in request order", async () => {
    const emu = await useEmulator();
    const rig = await rigV2(emu);
    const created = await createV2(emu, "animations", { rig_task_id: rig, action_ids: [0, 92, 16] });
    expect(created.consumed_credits).toBe(9);
    expect(created.input).toEqual({ rig_task_id: rig, action_ids: [0, 92, 16] });
    const task = await getV2(emu, created.id);
    const glb = new Uint8Array(await (await fetch(task.output.animation_glb_url)).arrayBuffer());
    const doc = await new NodeIO().readBinary(glb);
    const names = doc
      .getRoot()
      .listAnimations()
      .map((a) => a.getName());
    const library = (await call(emu, "GET", "/openapi/v2/animations/library?action_ids=0,92,16")).json as {
      action_id: number;
      name: string;
    }[];
    const name = (id: number) => library.find((a) => a.action_id === id)!.name;
    expect(names).toEqual([name(0), name(92), name(16)]);
    expect(doc.getRoot().listSkins()).toHaveLength(1);
    // Every clip drives the one skeleton.
    const joints = new Set(doc.getRoot().listSkins()[0]!.listJoints());
    for (const animation of doc.getRoot().listAnimations()) {
      for (const channel of animation.listChannels()) expect(joints.has(channel.getTargetNode()!)).toBe(true);
    }
  });

  it("motion_task_id: one animation (3 credits) with a stand-in clip; v1 takes action_ids and motion_task_id too", async () => {
    const emu = await useEmulator();
    const rig = await rigV2(emu);
    const motion = await createV2(emu, "animations", { rig_task_id: rig, motion_task_id: "0193c1a2-0000-7000-8000-000000000001" });
    expect(motion).toMatchObject({
      consumed_credits: 3,
      input: { rig_task_id: rig, motion_task_id: "0193c1a2-0000-7000-8000-000000000001" },
    });
    expect((await getV2(emu, motion.id)).output.animation_glb_url).toMatch(/Animation_Text_To_Motion_withSkin\.glb/);

    const v1 = await createAnimation(emu, { rig_task_id: rig, action_ids: [1, 2] });
    expect((await call(emu, "GET", `/openapi/v1/animations/${v1}`)).json).toMatchObject({ status: "SUCCEEDED", consumed_credits: 6 });
    expect((await call(emu, "POST", "/openapi/v1/animations", { rig_task_id: rig, motion_task_id: "m-1" })).status).toBe(202);
  });
});

describe("v2 task list", () => {
  it('answers {"data", "has_more"} per type, pages and sorts like v1, and lists v1 tasks too', async () => {
    const emu = await useEmulator();
    const rigs: string[] = [];
    for (let i = 0; i < 12; i++) {
      rigs.push(i % 2 === 0 ? await rigV2(emu) : await createRig(emu)); // both versions' tasks
      emu.advanceClock(1);
    }
    const animation = (await createV2(emu, "animations", { rig_task_id: rigs[0], action_id: 0 })).id;

    const first = await call(emu, "GET", "/openapi/v2/tasks?type=rig");
    expect(first.status).toBe(200);
    expect(Object.keys(first.json)).toEqual(["data", "has_more"]);
    expect(ids(first.json.data)).toEqual([...rigs].reverse().slice(0, 10)); // newest first, 10 a page
    expect(first.json.has_more).toBe(true);
    for (const t of first.json.data) expect(Object.keys(t)).toEqual(TASK_KEYS);

    const second = (await call(emu, "GET", "/openapi/v2/tasks?type=rig&page_num=2")).json;
    expect(ids(second.data)).toEqual([...rigs].reverse().slice(10));
    expect(second.has_more).toBe(false);
    const asc = (await call(emu, "GET", "/openapi/v2/tasks?type=rig&page_size=5&page_num=2&sort_by=%2Bcreated_at")).json;
    expect(ids(asc.data)).toEqual(rigs.slice(5, 10));
    expect(asc.has_more).toBe(true);
    expect((await call(emu, "GET", "/openapi/v2/tasks?type=animate")).json).toEqual({
      data: [expect.objectContaining({ id: animation, type: "animate" })],
      has_more: false,
    });
    expect((await call(emu, "GET", "/openapi/v2/tasks?type=rig", undefined, "msy_other")).json).toEqual({ data: [], has_more: false });
  });

  it("answers a bare array with v2ListShape array", async () => {
    const emu = await useEmulator({ v2ListShape: "array" });
    const id = await rigV2(emu);
    const list = (await call(emu, "GET", "/openapi/v2/tasks?type=rig")).json;
    expect(ids(list)).toEqual([id]);
  });
});

describe("v2 delete", () => {
  it("deletes a finished task (then 404) and refunds a PENDING one", async () => {
    const emu = await useEmulator({ rigMs: 60_000, concurrentTasks: 1, credits: 10 });
    const running = await rigV2(emu);
    const queued = await rigV2(emu);
    expect((await call(emu, "POST", "/openapi/v2/rigging", HERO)).status).toBe(402); // 10 credits spent
    const del = await call(emu, "DELETE", `/openapi/v2/tasks/${queued}`);
    expect(del.status).toBe(200);
    expect(del.text).toBe("");
    const third = await rigV2(emu); // the refund pays for it
    expectV2Error(await call(emu, "GET", `/openapi/v2/tasks/${queued}`), 404, "task_not_found");

    emu.advanceClock(120_000);
    expect((await getV2(emu, third)).status).toBe("SUCCEEDED");
    expect((await call(emu, "DELETE", `/openapi/v2/tasks/${running}`)).status).toBe(200);
    expectV2Error(await call(emu, "GET", `/openapi/v2/tasks/${running}`), 404, "task_not_found");
    expect((await call(emu, "POST", "/openapi/v2/rigging", HERO)).status).toBe(402); // a finished task is not refunded
  });
});

describe("v2 streams", () => {
  it("sends in-flight partial objects, then the full v2 task object, then closes", async () => {
    const emu = await useEmulator({ rigMs: 300, concurrentTasks: 1 });
    await rigV2(emu);
    const id = await rigV2(emu); // starts PENDING behind the first
    const { status, contentType, events, closed } = await readSse(`${emu.url}/openapi/v2/tasks/${id}/stream`, emu.apiKey);
    expect([status, contentType, closed]).toEqual([200, "text/event-stream", true]);
    expect(events.every((e) => e.event === "message")).toBe(true);
    expect(events[0]!.data.status).toBe("PENDING");
    expect(events.map((e) => e.data.status)).toContain("IN_PROGRESS");
    for (const e of events.slice(0, -1)) expect(Object.keys(e.data).sort()).toEqual(["id", "preceding_tasks", "progress", "status"]);
    const last = events.at(-1)!.data;
    expect(Object.keys(last)).toEqual(TASK_KEYS);
    expect(last).toMatchObject({ id, status: "SUCCEEDED", task_error: null, output: expect.any(Object) });
  });

  it("answers 200 then event: error with the v2 error object for an unknown task", async () => {
    const emu = await useEmulator();
    const { status, events, closed } = await readSse(`${emu.url}/openapi/v2/tasks/nope/stream`, emu.apiKey);
    expect([status, closed]).toEqual([200, true]);
    expect(events).toEqual([
      { event: "error", data: { type: "not_found", code: "task_not_found", message: "Task not found", doc_url: null } },
    ]);
  });
});

describe("v2 library", () => {
  it("answers the same body as v1, with v1's filters", async () => {
    const emu = await useEmulator();
    for (const q of ["", "?search=chair_sit", "?category=Fighting&sub_category=Dying", "?action_ids=16,92"]) {
      const v2 = await call(emu, "GET", `/openapi/v2/animations/library${q}`);
      expect(v2.status).toBe(200);
      expect(v2.json).toEqual((await call(emu, "GET", `/openapi/v1/animations/library${q}`)).json);
    }
  });
});

describe("v1 and v2 over one store", () => {
  it("each version reads, animates, lists and deletes the other's tasks", async () => {
    const emu = await useEmulator();
    const v1Rig = await createRig(emu, { ...HERO, height_meters: 1.6 });
    const asV2 = await getV2(emu, v1Rig);
    expect(asV2).toMatchObject({
      id: v1Rig,
      type: "rig",
      status: "SUCCEEDED",
      input: { ...HERO, height_meters: 1.6 },
      consumed_credits: 5,
    });
    expect(Object.keys(asV2.output).sort()).toEqual(RIG_OUTPUT_KEYS);

    // An animation under v2 may name a rig made under v1, and v1 reads it back.
    const anim = (await createV2(emu, "animations", { rig_task_id: v1Rig, action_id: 92 })).id;
    const asV1 = (await call(emu, "GET", `/openapi/v1/animations/${anim}`)).json;
    expect(asV1).toMatchObject({ id: anim, type: "animate", status: "SUCCEEDED", consumed_credits: 3, task_error: { message: "" } });
    expect(asV1.result.animation_glb_url).toEqual(expect.any(String));
    expect(asV1).not.toHaveProperty("output");

    const v2Rig = await rigV2(emu);
    expect(ids((await call(emu, "GET", "/openapi/v1/rigging")).json)).toEqual([v2Rig, v1Rig]);
    expect((await call(emu, "DELETE", `/openapi/v2/tasks/${v1Rig}`)).status).toBe(200);
    expect((await call(emu, "GET", `/openapi/v1/rigging/${v1Rig}`)).status).toBe(404);
    expect((await call(emu, "DELETE", `/openapi/v1/rigging/${v2Rig}`)).status).toBe(200);
    expectV2Error(await call(emu, "GET", `/openapi/v2/tasks/${v2Rig}`), 404, "task_not_found");
  });

  it("shares the queue limit: each version answers 429 in its own words", async () => {
    const emu = await useEmulator({ rigMs: 60_000, concurrentTasks: 1, queueLimit: 2 });
    await createRig(emu);
    await rigV2(emu);
    const v1 = await call(emu, "POST", "/openapi/v1/rigging", HERO);
    expect(v1.status).toBe(429);
    expect(v1.json).toEqual({ message: expect.stringMatching(/^NoMorePendingTasks/) });
    expectV2Error(await call(emu, "POST", "/openapi/v2/rigging", HERO), 429, "pending_task_limit_reached");
    expect(emu.stats().tasksCreated.rig).toBe(2);
  });

  it("shares the request rate and the credits", async () => {
    const emu = await useEmulator({ rateLimit: 3, credits: 8 });
    await createRig(emu); // 5 credits, request 1
    expect((await call(emu, "GET", "/openapi/v2/tasks?type=rig")).status).toBe(200); // 2
    expectV2Error(await call(emu, "POST", "/openapi/v2/rigging", HERO), 402, "insufficient_credits"); // 3: 5 more than 3 left
    expectV2Error(await call(emu, "GET", "/openapi/v2/tasks?type=rig"), 429, "rate_limit_exceeded"); // 4
    const v1 = await call(emu, "GET", "/openapi/v1/rigging");
    expect(v1.status).toBe(429);
    expect(v1.json).toEqual({ message: "RateLimitExceeded" });
  });
});

describe("apiVersions", () => {
  it("v2 alone: v1 routes are unknown paths (404 {message}), v2 works", async () => {
    const emu = await useEmulator({ apiVersions: "v2" });
    for (const [method, path] of [
      ["POST", "/openapi/v1/rigging"],
      ["GET", "/openapi/v1/rigging/x"],
      ["GET", "/openapi/v1/animations/library"],
    ] as const) {
      const r = await call(emu, method, path, method === "POST" ? HERO : undefined);
      expect(r.status, path).toBe(404);
      expect(r.json).toEqual({ message: "Not found" });
    }
    expect((await call(emu, "POST", "/openapi/v2/rigging", HERO)).status).toBe(202);
    expect(emu.stats().requests).toMatchObject({ other: 3, "POST /openapi/v2/rigging": 1 });
  });

  it("v1 alone: v2 routes answer route_not_found, v1 works", async () => {
    const emu = await useEmulator({ apiVersions: "v1" });
    for (const [method, path] of [
      ["POST", "/openapi/v2/rigging"],
      ["GET", "/openapi/v2/tasks/x"],
      ["GET", "/openapi/v2/tasks?type=rig"],
    ] as const) {
      expectV2Error(await call(emu, method, path, method === "POST" ? HERO : undefined), 404, "route_not_found");
    }
    expect((await call(emu, "POST", "/openapi/v1/rigging", HERO)).status).toBe(202);
  });
});

describe("faults and stats on v2 endpoint keys", () => {
  it("scripts lost answers, 5xx, 429 and dropped streams by v2 key, and counts each key", async () => {
    const emu = await useEmulator({
      rigMs: 2000,
      faults: {
        script: [
          { match: "POST /openapi/v2/rigging", nth: 1, fault: "lost-answer" },
          { match: "GET /openapi/v2/tasks/:id", nth: 1, fault: "503" },
          { match: "GET /openapi/v2/tasks/:id", nth: 2, fault: "429" },
          { match: "GET /openapi/v2/tasks", nth: 1, fault: "500" },
          { match: "GET /openapi/v2/tasks/:id/stream", nth: 1, fault: "drop-stream" },
          { match: "DELETE /openapi/v2/tasks/:id", nth: 1, fault: "502" },
        ],
      },
    });
    await expect(call(emu, "POST", "/openapi/v2/rigging", HERO)).rejects.toThrow();
    expect(emu.stats().tasksCreated.rig).toBe(1); // created, answer lost
    expectV2Error(await call(emu, "GET", "/openapi/v2/tasks?type=rig"), 500, "internal_server_error");
    const [lost] = (await call(emu, "GET", "/openapi/v2/tasks?type=rig")).json.data;
    expectV2Error(await call(emu, "GET", `/openapi/v2/tasks/${lost.id}`), 503, "service_unavailable");
    const limited = await call(emu, "GET", `/openapi/v2/tasks/${lost.id}`);
    expectV2Error(limited, 429, "rate_limit_exceeded");
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await call(emu, "GET", `/openapi/v2/tasks/${lost.id}`)).status).toBe(200);

    const dropped = await readSse(`${emu.url}/openapi/v2/tasks/${lost.id}/stream`, emu.apiKey);
    expect(dropped.events.some((e) => e.data.status === "SUCCEEDED")).toBe(false);
    expectV2Error(await call(emu, "DELETE", `/openapi/v2/tasks/${lost.id}`), 502, "bad_gateway");

    const s = emu.stats();
    expect(s.requests).toMatchObject({
      "POST /openapi/v2/rigging": 1,
      "GET /openapi/v2/tasks": 2,
      "GET /openapi/v2/tasks/:id": 3,
      "GET /openapi/v2/tasks/:id/stream": 1,
      "DELETE /openapi/v2/tasks/:id": 1,
    });
    expect(s.faults).toMatchObject({ "lost-answer": 1, "503": 1, "429": 1, "500": 1, "502": 1, "drop-stream": 1 });
  });
});

describe("state file", () => {
  it("keeps v2 fields (input, credits, animation type, several clips) across a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rigup-emulator-state-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const stateFile = join(dir, "tasks.json");
    const first = await startEmulator({ speed: "instant", rateLimit: 0, stateFile });
    const rig = await rigV2(first, { ...HERO, height_meters: 1.9, animation_type: "biped", skeleton_template: "mixamo" });
    const anim = (await createV2(first, "animations", { rig_task_id: rig, action_ids: [0, 16] })).id;
    const before = [await getV2(first, rig), await getV2(first, anim)];
    await first.close();

    const second = await startEmulator({ speed: "instant", rateLimit: 0, stateFile });
    onTestFinished(() => second.close());
    const after = [await getV2(second, rig), await getV2(second, anim)];
    const stable = (t: Record<string, unknown>) => ({ ...t, output: Object.keys(t.output as object).sort() });
    expect(after.map(stable)).toEqual(before.map(stable));
    expect(after[1]).toMatchObject({ consumed_credits: 6, input: { rig_task_id: rig, action_ids: [0, 16] } });
    const glb = new Uint8Array(await (await fetch(after[1].output.animation_glb_url)).arrayBuffer());
    expect((await new NodeIO().readBinary(glb)).getRoot().listAnimations()).toHaveLength(2);
  });
});
