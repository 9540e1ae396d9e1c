/** Endpoint conformance over plain HTTP: statuses, bodies and headers as docs/meshy-api.md describes. */
import { describe, expect, it } from "vitest";
import { V1TaskSchema as TaskSchema } from "../../src/meshy/schemas.js";
import { call, createAnimation, createRig, modelDataUri, useEmulator } from "./harness.js";

const DAY = 86_400_000;

describe("rigging", () => {
  it("creates with 202 {result} and serves the task object", async () => {
    const emu = await useEmulator({ rigMs: 60_000 });
    const created = await call(emu, "POST", "/openapi/v1/rigging", { model_url: await modelDataUri(), height_meters: 1.8 });
    expect(created.status).toBe(202);
    expect(Object.keys(created.json)).toEqual(["result"]);
    expect(created.json.result).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const got = await call(emu, "GET", `/openapi/v1/rigging/${created.json.result}`);
    expect(got.status).toBe(200);
    const task = TaskSchema.parse(got.json);
    expect(task).toMatchObject({
      id: created.json.result,
      type: "rig",
      status: "IN_PROGRESS",
      finished_at: 0,
      expires_at: 0,
      result: null,
      consumed_credits: 5,
    });
    expect(Math.abs(task.created_at! - Date.now())).toBeLessThan(60_000); // Unix ms

    emu.advanceClock(60_000);
    const done = (await call(emu, "GET", `/openapi/v1/rigging/${created.json.result}`)).json;
    expect(done.status).toBe("SUCCEEDED");
    expect(done.progress).toBe(100);
    expect(done.expires_at).toBe(done.finished_at + 3 * DAY);
    expect(Object.keys(done.result).sort()).toEqual(["basic_animations", "rigged_character_fbx_url", "rigged_character_glb_url"]);
    expect(Object.keys(done.result.basic_animations).sort()).toEqual([
      "running_armature_glb_url",
      "running_fbx_url",
      "running_glb_url",
      "walking_armature_glb_url",
      "walking_fbx_url",
      "walking_glb_url",
    ]);
  });

  it("answers 401 without a key or with a bad one, and accepts any msy_ key unless restricted", async () => {
    const emu = await useEmulator();
    expect((await call(emu, "GET", "/openapi/v1/rigging", undefined, null)).status).toBe(401);
    const bad = await call(emu, "GET", "/openapi/v1/rigging", undefined, "sk_wrong");
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({ message: expect.any(String) });
    expect((await call(emu, "GET", "/openapi/v1/rigging", undefined, "msy_someone_else")).status).toBe(200);

    const strict = await useEmulator({ apiKeys: ["msy_only_this"] });
    expect((await call(strict, "GET", "/openapi/v1/rigging", undefined, "msy_someone_else")).status).toBe(401);
    expect((await call(strict, "GET", "/openapi/v1/rigging", undefined, "msy_only_this")).status).toBe(200);
  });

  it("keeps accounts apart", async () => {
    const emu = await useEmulator();
    const id = await createRig(emu);
    expect((await call(emu, "GET", `/openapi/v1/rigging/${id}`, undefined, "msy_other")).status).toBe(404);
    expect((await call(emu, "GET", "/openapi/v1/rigging", undefined, "msy_other")).json).toEqual([]);
  });

  const notGlb = `data:model/gltf-binary;base64,${Buffer.from("not a glb at all").toString("base64")}`;
  const notPng = `data:image/png;base64,${Buffer.from("GIF89a....").toString("base64")}`;
  it.each([
    ["no source", { height_meters: 1.7 }],
    ["both sources", { model_url: "https://example.com/a.glb", input_task_id: "abc" }],
    ["height 0", { model_url: "https://example.com/a.glb", height_meters: 0 }],
    ["negative height", { model_url: "https://example.com/a.glb", height_meters: -1 }],
    ["height as a string", { model_url: "https://example.com/a.glb", height_meters: "1.8" }],
    ["non-GLB data URI", { model_url: notGlb }],
    ["http URL", { model_url: "http://example.com/a.glb" }],
    ["ftp URL", { model_url: "ftp://example.com/a.glb" }],
    ["not a URL", { model_url: "hero.glb" }],
    ["non-PNG texture", { model_url: "https://example.com/a.glb", texture_image_url: notPng }],
    ["empty input_task_id", { input_task_id: "" }],
  ])("answers 400 for %s", async (_name, body) => {
    const emu = await useEmulator();
    const r = await call(emu, "POST", "/openapi/v1/rigging", body);
    expect(r.status).toBe(400);
    expect(r.json.message).toEqual(expect.any(String));
    expect(emu.stats().tasksCreated.rig).toBe(0);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const emu = await useEmulator();
    expect((await call(emu, "POST", "/openapi/v1/rigging", "{not json")).status).toBe(400);
  });

  it("accepts https URLs, input task ids, PNG textures and unknown fields", async () => {
    const emu = await useEmulator();
    const png = `data:image/png;base64,${Buffer.from(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0)).toString("base64")}`;
    for (const body of [
      { model_url: "https://example.com/a.glb", some_future_field: true },
      { input_task_id: "018a210d-8ba4-705c-b111-1f1776f7f578" },
      { model_url: await modelDataUri(), texture_image_url: png },
    ]) {
      expect((await call(emu, "POST", "/openapi/v1/rigging", body)).status).toBe(202);
    }
  });

  it("refuses chosen inputs with 422 and fails others (refunded)", async () => {
    const emu = await useEmulator({ faults: { rejectInputs: ["blob.glb"], failInputs: ["broken"] } });
    const rejected = await call(emu, "POST", "/openapi/v1/rigging", { model_url: "https://example.com/blob.glb" });
    expect(rejected.status).toBe(422);
    expect(rejected.json.message).toMatch(/^Pose estimation failed/);

    const id = await createRig(emu, { model_url: "https://example.com/broken-model.glb" });
    const task = (await call(emu, "GET", `/openapi/v1/rigging/${id}`)).json;
    expect(task).toMatchObject({ status: "FAILED", consumed_credits: 0, result: null });
    expect(task.task_error.message).not.toBe("");
  });

  it("rejects by sha256 of the decoded model bytes", async () => {
    const uri = await modelDataUri();
    const { createHash } = await import("node:crypto");
    const sha = createHash("sha256")
      .update(Buffer.from(uri.split(",")[1]!, "base64"))
      .digest("hex");
    const emu = await useEmulator({ faults: { rejectInputs: [sha] } });
    expect((await call(emu, "POST", "/openapi/v1/rigging", { model_url: uri })).status).toBe(422);
    expect((await call(emu, "POST", "/openapi/v1/rigging", { model_url: "https://example.com/x.glb" })).status).toBe(202);
  });

  it("lists with pagination and sorting", async () => {
    const emu = await useEmulator();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push(await createRig(emu));
      emu.advanceClock(1); // distinct created_at
    }
    const page1 = await call(emu, "GET", "/openapi/v1/rigging");
    expect(page1.status).toBe(200);
    expect(Array.isArray(page1.json)).toBe(true);
    expect(page1.json.map((t: { id: string }) => t.id)).toEqual(ids.slice().reverse().slice(0, 10)); // default page_size 10, newest first
    const asc = await call(emu, "GET", "/openapi/v1/rigging?page_num=2&page_size=5&sort_by=%2Bcreated_at");
    expect(asc.json.map((t: { id: string }) => t.id)).toEqual(ids.slice(5, 10));
    expect((await call(emu, "GET", "/openapi/v1/rigging?page_num=3&page_size=50")).json).toEqual([]);
    for (const q of ["page_size=51", "page_size=0", "page_num=0", "page_num=x", "sort_by=created_at"]) {
      expect((await call(emu, "GET", `/openapi/v1/rigging?${q}`)).status, q).toBe(400);
    }
  });

  it("deletes: 200, then 404", async () => {
    const emu = await useEmulator();
    const id = await createRig(emu);
    const del = await call(emu, "DELETE", `/openapi/v1/rigging/${id}`);
    expect(del.status).toBe(200);
    expect((await call(emu, "GET", `/openapi/v1/rigging/${id}`)).status).toBe(404);
    expect((await call(emu, "DELETE", `/openapi/v1/rigging/${id}`)).status).toBe(404);
  });

  it("answers 404 Task not found after expiry, and animations can no longer use the rig", async () => {
    const emu = await useEmulator({ rigRetentionMs: 5 * DAY });
    const id = await createRig(emu);
    emu.advanceClock(5 * DAY + 1);
    const r = await call(emu, "GET", `/openapi/v1/rigging/${id}`);
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ message: "Task not found" });
    expect((await call(emu, "POST", "/openapi/v1/animations", { rig_task_id: id, action_id: 0 })).status).toBe(404);
    expect((await call(emu, "GET", "/openapi/v1/rigging")).json).toEqual([]);
  });
});

describe("limits", () => {
  it("queues beyond concurrentTasks with preceding_tasks, refuses beyond queueLimit", async () => {
    const emu = await useEmulator({ rigMs: 60_000, concurrentTasks: 2, queueLimit: 4 });
    const ids = [await createRig(emu), await createRig(emu), await createRig(emu), await createRig(emu)];
    const states = await Promise.all(ids.map(async (id) => (await call(emu, "GET", `/openapi/v1/rigging/${id}`)).json));
    expect(states.map((t) => t.status)).toEqual(["IN_PROGRESS", "IN_PROGRESS", "PENDING", "PENDING"]);
    expect(states.map((t) => t.preceding_tasks)).toEqual([0, 0, 0, 1]);

    const full = await call(emu, "POST", "/openapi/v1/rigging", { model_url: "https://example.com/a.glb" });
    expect(full.status).toBe(429);
    expect(full.json.message).toContain("NoMorePendingTasks");
    expect(emu.stats().tasksCreated.rig).toBe(4);

    emu.advanceClock(60_000); // first two done, the next two start
    const third = (await call(emu, "GET", `/openapi/v1/rigging/${ids[2]}`)).json;
    expect(third.status).toBe("IN_PROGRESS");
    expect((await call(emu, "POST", "/openapi/v1/rigging", { model_url: "https://example.com/a.glb" })).status).toBe(202);
  });

  it("says NoMoreConcurrentTasks when every unfinished task is running", async () => {
    const emu = await useEmulator({ rigMs: 60_000, concurrentTasks: 2, queueLimit: 2 });
    await createRig(emu);
    await createRig(emu);
    const r = await call(emu, "POST", "/openapi/v1/rigging", { model_url: "https://example.com/a.glb" });
    expect(r.status).toBe(429);
    expect(r.json.message).toContain("NoMoreConcurrentTasks");
  });

  it("deleting a queued task moves the others up", async () => {
    const emu = await useEmulator({ rigMs: 60_000, concurrentTasks: 1 });
    const [a, b, c] = [await createRig(emu), await createRig(emu), await createRig(emu)];
    expect((await call(emu, "GET", `/openapi/v1/rigging/${c}`)).json.preceding_tasks).toBe(1);
    await call(emu, "DELETE", `/openapi/v1/rigging/${a}`);
    expect((await call(emu, "GET", `/openapi/v1/rigging/${b}`)).json.status).toBe("IN_PROGRESS");
    expect((await call(emu, "GET", `/openapi/v1/rigging/${c}`)).json.preceding_tasks).toBe(0);
  });

  it("rate-limits per account with 429 RateLimitExceeded and Retry-After", async () => {
    const emu = await useEmulator({ rateLimit: 3 });
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 5; i++) {
      const r = await call(emu, "GET", "/openapi/v1/animations/library");
      statuses.push(r.status);
      if (r.status === 429) limited ??= r;
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses).toContain(429);
    expect(limited!.json).toEqual({ message: "RateLimitExceeded" });
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another account has its own budget.
    expect((await call(emu, "GET", "/openapi/v1/animations/library", undefined, "msy_other")).status).toBe(200);
  });
});

describe("animations", () => {
  it("creates from a succeeded rig and reports per post_process outputs", async () => {
    const emu = await useEmulator();
    const rig = await createRig(emu);
    const cases = [
      [undefined, []],
      [{ operation_type: "change_fps", fps: 60 }, ["processed_animation_fps_fbx_url"]],
      [{ operation_type: "fbx2usdz" }, ["processed_usdz_url"]],
      [{ operation_type: "extract_armature" }, ["processed_armature_fbx_url"]],
    ] as const;
    for (const [post_process, extra] of cases) {
      const id = await createAnimation(emu, { rig_task_id: rig, action_id: 92, post_process });
      const task = (await call(emu, "GET", `/openapi/v1/animations/${id}`)).json;
      expect(task).toMatchObject({ type: "animate", status: "SUCCEEDED", consumed_credits: 3 });
      expect(Object.keys(task.result).sort()).toEqual(["animation_fbx_url", "animation_glb_url", ...extra].sort());
      expect(task.expires_at - task.finished_at).toBe(3 * DAY);
    }
    expect((await call(emu, "GET", "/openapi/v1/animations?page_size=50")).json).toHaveLength(4);
  });

  it.each([
    ["unknown rig", { rig_task_id: "00000000-0000-0000-0000-000000000000", action_id: 0 }, 404],
    ["action not in the catalog", { action_id: 99999 }, 400],
    ["negative action", { action_id: -1 }, 400],
    ["unknown operation", { action_id: 0, post_process: { operation_type: "speed_up" } }, 400],
    ["fps not allowed", { action_id: 0, post_process: { operation_type: "change_fps", fps: 48 } }, 400],
    ["fps with another operation", { action_id: 0, post_process: { operation_type: "fbx2usdz", fps: 30 } }, 400],
    ["missing action", {}, 400],
  ])("answers for %s", async (_name, body, status) => {
    const emu = await useEmulator();
    const rig = await createRig(emu);
    const r = await call(emu, "POST", "/openapi/v1/animations", { rig_task_id: rig, ...body });
    expect(r.status).toBe(status);
    expect(r.json.message).toEqual(expect.any(String));
  });

  it("answers 400 while the rig is not SUCCEEDED", async () => {
    const emu = await useEmulator({ rigMs: 60_000 });
    const rig = await createRig(emu);
    const r = await call(emu, "POST", "/openapi/v1/animations", { rig_task_id: rig, action_id: 0 });
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/IN_PROGRESS/);
  });
});

describe("library", () => {
  it("serves the catalog and filters it", async () => {
    const emu = await useEmulator();
    const all = (await call(emu, "GET", "/openapi/v1/animations/library")).json;
    expect(all.find((a: { action_id: number }) => a.action_id === 1)).toMatchObject({
      name: "Walking_Woman",
      category: "WalkAndRun",
      sub_category: "Walking",
    });
    for (const item of all)
      expect(Object.keys(item).sort()).toEqual(["action_id", "category", "key", "name", "preview_url", "sub_category"]);
    const ids = async (q: string) =>
      (await call(emu, "GET", `/openapi/v1/animations/library?${q}`)).json.map((a: { action_id: number }) => a.action_id);
    expect(await ids("search=chair_sit")).toEqual([32, 33]);
    expect(await ids("category=Fighting&sub_category=Dying")).toEqual([8, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190]);
    expect(await ids("action_ids=16,92,4000")).toEqual([16, 92]);
    expect((await call(emu, "GET", "/openapi/v1/animations/library?action_ids=1,x")).status).toBe(400);
    const preview = await fetch(all[0].preview_url);
    expect(preview.headers.get("content-type")).toBe("image/gif");
  });
});
