/**
 * Every v2 error the emulator answers (docs/meshy-api.md §5): status, exactly
 * `{type, code, message, doc_url}`, Retry-After only on rate_limit_exceeded; and
 * every code of the table (src/emulator/errors.ts) produced at least once.
 */
import { Document, NodeIO } from "@gltf-transform/core";
import { describe, expect, it } from "vitest";
import { ERRORS, type Emulator, type ErrorCode } from "../../src/emulator/index.js";
import { call, createAnimation, createRig, createV2, expectV2Error, modelDataUri, rigV2, useEmulator, type Answer } from "./harness.js";

const HERO = { model_url: "https://example.com/hero.glb" };
const seen = new Set<ErrorCode>();
function expectError(r: Answer, status: number, code: ErrorCode): void {
  expectV2Error(r, status, code);
  seen.add(code);
}

const post = (emu: Emulator, path: "rigging" | "animations", body: unknown) => call(emu, "POST", `/openapi/v2/${path}`, body);

/** A GLB data URI whose primitives have these many triangles each (indexed, over three shared vertices). */
async function glbWithTriangles(perPrimitive: number[]): Promise<string> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const position = doc
    .createAccessor()
    .setType("VEC3")
    .setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]))
    .setBuffer(buffer);
  const mesh = doc.createMesh();
  for (const n of perPrimitive) {
    const indices = Uint16Array.from({ length: n * 3 }, (_, i) => i % 3);
    mesh.addPrimitive(
      doc
        .createPrimitive()
        .setAttribute("POSITION", position)
        .setIndices(doc.createAccessor().setType("SCALAR").setArray(indices).setBuffer(buffer)),
    );
  }
  doc.createScene().addChild(doc.createNode().setMesh(mesh));
  return `data:model/gltf-binary;base64,${Buffer.from(await new NodeIO().writeBinary(doc)).toString("base64")}`;
}

describe("the error table", () => {
  it("has the documented types and codes (CONFIRMED rows)", () => {
    expect(ERRORS.route_not_found).toMatchObject({ status: 404, type: "not_found", tag: "CONFIRMED" });
    expect(ERRORS.parameters_conflict).toMatchObject({ status: 400, type: "invalid_input", tag: "CONFIRMED" });
    for (const code of ["rate_limit_exceeded", "pending_task_limit_reached", "concurrent_task_limit_reached"] as const) {
      expect(ERRORS[code]).toMatchObject({ status: 429, type: "rate_limited", tag: "CONFIRMED" });
    }
    expect(ERRORS.input_task_not_ready.status).toBe(400);
    expect(ERRORS.input_task_unsupported.status).toBe(400);
  });
});

describe("routes", () => {
  it("route_not_found for unknown paths and methods, v1-style per-type routes included, before auth", async () => {
    const emu = await useEmulator();
    const id = await rigV2(emu);
    const anim = (await createV2(emu, "animations", { rig_task_id: id, action_id: 0 })).id;
    const routes: [string, string][] = [
      ["GET", `/openapi/v2/rigging/${id}`],
      ["GET", `/openapi/v2/rigging/${id}/stream`],
      ["GET", "/openapi/v2/rigging"],
      ["DELETE", `/openapi/v2/rigging/${id}`],
      ["GET", `/openapi/v2/animations/${anim}`],
      ["GET", `/openapi/v2/animations/${anim}/stream`],
      ["GET", "/openapi/v2/animations"],
      ["PUT", `/openapi/v2/tasks/${id}`],
      ["POST", "/openapi/v2/tasks"],
      ["GET", "/openapi/v2/nope"],
      ["GET", "/openapi/v2"],
    ];
    for (const [method, path] of routes) {
      const r = await call(emu, method, path);
      expectError(r, 404, "route_not_found");
      expect(r.json.message).toBe("NoMatchingRoute: Please double check the path and method");
    }
    expectError(await call(emu, "GET", `/openapi/v2/rigging/${id}`, undefined, null), 404, "route_not_found");
    expect(emu.stats().requests.other).toBe(routes.length + 1);
  });

  it("v1 keeps {message}: 404 unknown path, 405 known path with another method", async () => {
    const emu = await useEmulator();
    const unknown = await call(emu, "GET", "/openapi/v1/nope");
    expect([unknown.status, unknown.json]).toEqual([404, { message: "Not found" }]);
    const method = await call(emu, "PUT", "/openapi/v1/rigging");
    expect([method.status, method.json]).toEqual([405, { message: "Method not allowed" }]);
    seen.add("method_not_allowed");
  });

  it("invalid_api_key (401) without a key or with a bad one", async () => {
    const emu = await useEmulator({ apiKeys: ["msy_only_this"] });
    expectError(await call(emu, "GET", "/openapi/v2/tasks?type=rig", undefined, null), 401, "invalid_api_key");
    expectError(await call(emu, "GET", "/openapi/v2/tasks/x", undefined, "msy_someone_else"), 401, "invalid_api_key");
    expectError(await call(emu, "POST", "/openapi/v2/rigging", HERO, "sk_wrong"), 401, "invalid_api_key");
  });
});

describe("rigging bodies", () => {
  it.each([
    ["both sources", { model_url: "https://example.com/a.glb", input_task_id: "abc" }, 400, "parameters_conflict"],
    ["neither source", { height_meters: 1.7 }, 400, "missing_parameter"],
    ["an unknown field", { ...HERO, some_future_field: true }, 400, "unknown_parameter"],
    ["texture_image_url", { ...HERO, texture_image_url: "https://example.com/t.png" }, 400, "unknown_parameter"],
    ["height 0", { ...HERO, height_meters: 0 }, 400, "invalid_parameter"],
    ["height as a string", { ...HERO, height_meters: "1.8" }, 400, "invalid_parameter"],
    ["an http URL", { model_url: "http://example.com/a.glb" }, 400, "invalid_parameter"],
    ["a URL not ending in .glb", { model_url: "https://example.com/model.fbx" }, 400, "invalid_parameter"],
    ["an unknown skeleton_template", { ...HERO, skeleton_template: "unreal" }, 400, "invalid_parameter"],
    ["an unknown animation_type", { ...HERO, animation_type: "bird" }, 400, "invalid_parameter"],
    ["a JSON array", [HERO], 400, "invalid_request_body"],
  ] as const)("%s → %s %s", async (_name, body, status, code) => {
    const emu = await useEmulator();
    const r = await post(emu, "rigging", body);
    expectError(r, status, code);
    expect(emu.stats().tasksCreated.rig).toBe(0);
  });

  it("names texture_image_url as removed in v2", async () => {
    const emu = await useEmulator();
    const r = await post(emu, "rigging", { ...HERO, texture_image_url: "https://example.com/t.png" });
    expect(r.json.message).toMatch(/texture_image_url.*removed in API v2/);
  });

  it("invalid_request_body for a body that is not JSON", async () => {
    const emu = await useEmulator();
    expectError(await post(emu, "rigging", "{not json"), 400, "invalid_request_body");
  });

  it("invalid_parameter for a data URI that is not a readable GLB", async () => {
    const emu = await useEmulator();
    const fake = `data:model/gltf-binary;base64,${Buffer.from("glTF\u0002\u0000\u0000\u0000padding!").toString("base64")}`;
    expectError(await post(emu, "rigging", { model_url: fake }), 400, "invalid_parameter");
    expect((await call(emu, "POST", "/openapi/v1/rigging", { model_url: fake })).status).toBe(202); // v1 only sniffs the magic
    const notGlb = `data:model/gltf-binary;base64,${Buffer.from("not a glb at all").toString("base64")}`;
    expectError(await post(emu, "rigging", { model_url: notGlb }), 400, "invalid_parameter");
  });

  it("triangle_limit_exceeded above 380,000 triangles, counted over every primitive", async () => {
    const emu = await useEmulator();
    expect((await post(emu, "rigging", { model_url: await glbWithTriangles([190_000, 190_000]) })).status).toBe(202);
    const r = await post(emu, "rigging", { model_url: await glbWithTriangles([190_000, 190_001]) });
    expectError(r, 400, "triangle_limit_exceeded");
    expect(r.json.message).toMatch(/380001/);
    expect((await post(emu, "rigging", { model_url: await modelDataUri() })).status).toBe(202);
  });

  it("input_task_unsupported when input_task_id names one of the account's rigging or animation tasks", async () => {
    const emu = await useEmulator();
    const rig = await rigV2(emu);
    expectError(await post(emu, "rigging", { input_task_id: rig }), 400, "input_task_unsupported");
  });

  it("pose_estimation_failed (422) for inputs the emulator is told to refuse", async () => {
    const emu = await useEmulator({ faults: { rejectInputs: ["blob"] } });
    expectError(await post(emu, "rigging", { model_url: "https://example.com/blob.glb" }), 422, "pose_estimation_failed");
  });

  it("request_too_large (413) above maxBodyBytes", async () => {
    const emu = await useEmulator({ maxBodyBytes: 1024 });
    expectError(await post(emu, "rigging", { model_url: `https://example.com/${"x".repeat(2000)}.glb` }), 413, "request_too_large");
  });
});

describe("animation bodies", () => {
  it.each([
    ["action_id and action_ids", { action_id: 0, action_ids: [1] }, "parameters_conflict"],
    ["action_id and motion_task_id", { action_id: 0, motion_task_id: "m" }, "parameters_conflict"],
    ["all three", { action_id: 0, action_ids: [1], motion_task_id: "m" }, "parameters_conflict"],
    ["an unknown field", { action_id: 0, speed: 2 }, "unknown_parameter"],
    ["an unknown post_process field", { action_id: 0, post_process: { operation_type: "fbx2usdz", scale: 2 } }, "unknown_parameter"],
    ["a negative action_id", { action_id: -1 }, "invalid_parameter"],
    ["no action_ids", { action_ids: [] }, "invalid_parameter"],
    ["11 action_ids", { action_ids: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, "invalid_parameter"],
    ["repeated action_ids", { action_ids: [0, 0] }, "invalid_parameter"],
    ["fps 48", { action_id: 0, post_process: { operation_type: "change_fps", fps: 48 } }, "invalid_parameter"],
    ["an action not in the library", { action_id: 99_999 }, "action_not_found"],
    ["action_ids with one not in the library", { action_ids: [0, 99_999] }, "action_not_found"],
  ] as const)("%s → 400 %s", async (_name, body, code) => {
    const emu = await useEmulator();
    const rig = await rigV2(emu);
    expectError(await post(emu, "animations", { rig_task_id: rig, ...body }), 400, code);
    expect(emu.stats().tasksCreated.animation).toBe(0);
  });

  it("missing_parameter: none of the three action fields says `action_id is required`; no rig_task_id", async () => {
    const emu = await useEmulator();
    const rig = await rigV2(emu);
    const none = await post(emu, "animations", { rig_task_id: rig });
    expectError(none, 400, "missing_parameter");
    expect(none.json.message).toBe("action_id is required");
    expectError(await post(emu, "animations", { action_id: 0 }), 400, "missing_parameter");
    const v1 = await call(emu, "POST", "/openapi/v1/animations", { rig_task_id: rig });
    expect([v1.status, v1.json]).toEqual([400, { message: "action_id is required" }]);
  });

  it("input_task_not_ready while the rig is not SUCCEEDED, naming its status", async () => {
    const emu = await useEmulator({ rigMs: 60_000 });
    const rig = await rigV2(emu);
    const r = await post(emu, "animations", { rig_task_id: rig, action_id: 0 });
    expectError(r, 400, "input_task_not_ready");
    expect(r.json.message).toMatch(/IN_PROGRESS/);
  });

  it("input_task_unsupported when rig_task_id or motion_task_id names a task of another type", async () => {
    const emu = await useEmulator();
    const rig = await rigV2(emu);
    const anim = (await createV2(emu, "animations", { rig_task_id: rig, action_id: 0 })).id;
    expectError(await post(emu, "animations", { rig_task_id: anim, action_id: 0 }), 400, "input_task_unsupported");
    expectError(await post(emu, "animations", { rig_task_id: rig, motion_task_id: anim }), 400, "input_task_unsupported");
  });

  it("task_not_found (404) for an unknown or expired rig_task_id", async () => {
    const emu = await useEmulator({ rigRetentionMs: 1000 });
    expectError(
      await post(emu, "animations", { rig_task_id: "00000000-0000-0000-0000-000000000000", action_id: 0 }),
      404,
      "task_not_found",
    );
    const rig = await rigV2(emu);
    emu.advanceClock(1001);
    expectError(await post(emu, "animations", { rig_task_id: rig, action_id: 0 }), 404, "task_not_found");
  });

  it("rig_type_mismatch: a quadruped rig takes no (biped) library action and no text-to-motion clip", async () => {
    const emu = await useEmulator();
    const rig = await rigV2(emu, { ...HERO, animation_type: "quadruped" });
    expectError(await post(emu, "animations", { rig_task_id: rig, action_id: 0 }), 400, "rig_type_mismatch");
    expectError(await post(emu, "animations", { rig_task_id: rig, motion_task_id: "m" }), 400, "rig_type_mismatch");
  });
});

describe("tasks routes", () => {
  it("task_not_found (404) on GET and DELETE; missing, unknown and invalid list parameters", async () => {
    const emu = await useEmulator();
    expectError(await call(emu, "GET", "/openapi/v2/tasks/nope"), 404, "task_not_found");
    expectError(await call(emu, "DELETE", "/openapi/v2/tasks/nope"), 404, "task_not_found");
    expectError(await call(emu, "GET", "/openapi/v2/tasks"), 400, "missing_parameter");
    expectError(await call(emu, "GET", "/openapi/v2/tasks?type=rig&status=SUCCEEDED"), 400, "unknown_parameter");
    expectError(await call(emu, "GET", "/openapi/v2/animations/library?limit=5"), 400, "unknown_parameter");
    for (const q of ["type=rigging", "type=rig&page_size=51", "type=rig&page_num=0", "type=rig&sort_by=created_at"]) {
      expectError(await call(emu, "GET", `/openapi/v2/tasks?${q}`), 400, "invalid_parameter");
    }
    expectError(await call(emu, "GET", "/openapi/v2/animations/library?action_ids=1,x"), 400, "invalid_parameter");
  });

  it("task_not_deletable: an IN_PROGRESS task cannot be deleted (it can under v1)", async () => {
    const emu = await useEmulator({ rigMs: 60_000 });
    const rig = await rigV2(emu);
    expectError(await call(emu, "DELETE", `/openapi/v2/tasks/${rig}`), 400, "task_not_deletable");
    expect((await call(emu, "GET", `/openapi/v2/tasks/${rig}`)).json.status).toBe("IN_PROGRESS");
    expect((await call(emu, "DELETE", `/openapi/v1/rigging/${rig}`)).status).toBe(200);
  });
});

describe("limits", () => {
  it("rate_limit_exceeded (429) with Retry-After, over v1 and v2 requests together", async () => {
    const emu = await useEmulator({ rateLimit: 2 });
    expect((await call(emu, "GET", "/openapi/v1/animations/library")).status).toBe(200);
    expect((await call(emu, "GET", "/openapi/v2/animations/library")).status).toBe(200);
    const r = await call(emu, "GET", "/openapi/v2/tasks?type=rig");
    expectError(r, 429, "rate_limit_exceeded");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("pending_task_limit_reached (429, no Retry-After, a doc_url) when the in-flight limit is full; nothing is created", async () => {
    const emu = await useEmulator({ rigMs: 60_000, queueLimit: 2 });
    await rigV2(emu);
    await createRig(emu);
    const r = await post(emu, "rigging", HERO);
    expectError(r, 429, "pending_task_limit_reached");
    expect(r.json.doc_url).toMatch(/^https:\/\//);
    expect(emu.stats().tasksCreated.rig).toBe(2);
    emu.advanceClock(60_000);
    expect((await post(emu, "rigging", HERO)).status).toBe(202);
  });

  it("concurrent_task_limit_reached (429, no Retry-After) on a no-credit unlimited plan (unlimitedPlanTaskLimit)", async () => {
    const emu = await useEmulator({ rigMs: 60_000, unlimitedPlanTaskLimit: 1 });
    const rig = await rigV2(emu);
    expectError(await post(emu, "rigging", HERO), 429, "concurrent_task_limit_reached");
    const v1 = await call(emu, "POST", "/openapi/v1/rigging", HERO);
    expect([v1.status, v1.json.message]).toEqual([429, expect.stringMatching(/^NoMoreConcurrentTasks/)]);
    emu.advanceClock(60_000);
    expect((await post(emu, "animations", { rig_task_id: rig, action_id: 0 })).status).toBe(202);
  });

  it("insufficient_credits (402): action_ids cost 3 each", async () => {
    const emu = await useEmulator({ credits: 13 });
    const rig = await rigV2(emu);
    expectError(await post(emu, "animations", { rig_task_id: rig, action_ids: [0, 1, 2] }), 402, "insufficient_credits");
    expect((await post(emu, "animations", { rig_task_id: rig, action_ids: [0, 1] })).status).toBe(202);
  });
});

describe("server errors and failed tasks", () => {
  it("internal_server_error, bad_gateway, service_unavailable from scripted faults; nothing created", async () => {
    const emu = await useEmulator({
      faults: { script: (["500", "502", "503"] as const).map((fault, i) => ({ match: "POST /openapi/v2/rigging", nth: i + 1, fault })) },
    });
    expectError(await post(emu, "rigging", HERO), 500, "internal_server_error");
    expectError(await post(emu, "rigging", HERO), 502, "bad_gateway");
    expectError(await post(emu, "rigging", HERO), 503, "service_unavailable");
    expect(emu.stats().tasksCreated.rig).toBe(0);
  });

  it("a FAILED task's task_error: rigging_failed, animation_failed", async () => {
    const emu = await useEmulator({ faults: { failInputs: ["broken"] } });
    const failedRig = await rigV2(emu, { model_url: "https://example.com/broken.glb" });
    const rig = await rigV2(emu);
    emu.setFaults({ failInputs: [rig] });
    const failedAnim = await createAnimation(emu, { rig_task_id: rig, action_id: 0 });
    for (const [id, code] of [
      [failedRig, "rigging_failed"],
      [failedAnim, "animation_failed"],
    ] as const) {
      const task = (await call(emu, "GET", `/openapi/v2/tasks/${id}`)).json;
      expect(task.status).toBe("FAILED");
      expect(Object.keys(task.task_error)).toEqual(["type", "code", "message", "doc_url"]);
      expect(task.task_error).toMatchObject({ type: ERRORS[code].type, code });
      seen.add(code);
    }
  });
});

// Last: the tests above produced every code of the table.
describe("coverage", () => {
  it("every code in the table was answered by a test above", () => {
    expect([...seen].sort()).toEqual(Object.keys(ERRORS).sort());
  });
});
