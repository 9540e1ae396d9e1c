/**
 * MeshyClient against the project's Meshy emulator: the main flows end to end and
 * every error code, over real HTTP on 127.0.0.1, through API v1 and API v2.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { TaskProgress } from "../../src/meshy/api.js";
import { MeshyClient } from "../../src/meshy/client.js";
import type { ApiVersion } from "../../src/meshy/wire.js";
import { startEmulator, type EmulatorOptions } from "../../src/emulator/index.js";
import { buildHumanoid } from "../../src/gltf/humanoid.js";
import { makeBaseColorTexture } from "../../src/gltf/texture.js";
import { rejection } from "./helpers.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The emulator's endpoint keys (stats, fault scripts) for each API version. */
const endpoints = (v: ApiVersion) => ({
  createRig: `POST /openapi/v${v}/rigging`,
  getRig: v === 1 ? "GET /openapi/v1/rigging/:id" : "GET /openapi/v2/tasks/:id",
  library: `GET /openapi/v${v}/animations/library`,
});

describe.each([1, 2] as const)("API v%i", (version) => {
  const EP = endpoints(version);

  async function setup(options: EmulatorOptions = {}) {
    const emulator = await startEmulator({ speed: "fast", rigMs: 600, animationMs: 400, ...options });
    onTestFinished(() => emulator.close());
    const client = new MeshyClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      apiVersion: version,
      timeouts: { streamIdleMs: 3000 },
    });
    onTestFinished(() => client.close());
    const dir = await mkdtemp(join(tmpdir(), "rigup-conformance-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const model = join(dir, "hero.glb");
    await writeFile(model, await buildHumanoid({ heightMeters: 1.8, seed: "hero", skinned: false }));
    const texture = join(dir, "hero.png");
    await writeFile(texture, makeBaseColorTexture("hero"));
    return { emulator, client, model, texture };
  }

  async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  }

  describe("MeshyClient against the emulator", () => {
    it("rigs a local GLB, animates it, lists, downloads", async () => {
      expect.assertions(12);
      const { emulator, client, model, texture } = await setup();

      const rigId = await client.createRig({
        source: { kind: "file", path: model, mime: "model/gltf-binary" },
        heightMeters: 1.8,
        texture: { kind: "file", path: texture, mime: "image/png" },
      });
      const events: TaskProgress[] = [];
      const rig = await client.waitForTask("rig", rigId, { onProgress: (p) => events.push(p) });
      expect(rig.status).toBe("SUCCEEDED");
      expect(rig.outputs?.["walking.glb"]).toBeTruthy();
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.via === "stream")).toBe(true);

      const [action] = await client.listActions({ actionIds: [92] });
      expect(action?.action_id).toBe(92);
      const animId = await client.createAnimation({
        rigTaskId: rigId,
        actionId: 92,
        postProcess: { operation_type: "change_fps", fps: 60 },
      });
      const anim = await client.waitForTask("animation", animId);
      expect(anim.status).toBe("SUCCEEDED");
      expect(anim.outputs?.glb).toBeTruthy();

      expect((await client.listTasks("rig", { pageSize: 50 })).map((t) => t.id)).toContain(rigId);
      expect((await client.listTasks("animation")).map((t) => t.id)).toContain(animId);

      const asset = await client.fetchAsset(anim.outputs!.glb!);
      const bytes = await readAll(asset.body);
      expect(asset.status).toBe(200);
      expect(bytes.subarray(0, 4).toString("latin1")).toBe("glTF");
      expect(emulator.stats().tasksCreated).toEqual({ rig: 1, animation: 1 });
    });

    it("filters the library", async () => {
      expect.assertions(2);
      const { client } = await setup();
      const all = await client.listActions();
      const some = await client.listActions({ search: "walk" });
      expect(all.length).toBeGreaterThan(some.length);
      expect(some.every((a) => /walk/i.test(`${a.name} ${a.key ?? ""}`))).toBe(true);
    });

    it("answers NOT_FOUND once a task expired", async () => {
      expect.assertions(2);
      const { emulator, client } = await setup({ speed: "instant" });
      const rigId = await client.createRig({ source: { kind: "url", url: "https://example.com/hero.glb" }, heightMeters: 1.7 });
      await expect(client.waitForTask("rig", rigId)).resolves.toMatchObject({ status: "SUCCEEDED" });
      emulator.advanceClock(61 * DAY_MS);
      expect((await rejection(client.getTask("rig", rigId))).code).toBe("NOT_FOUND");
    });

    it("answers AUTH to a bad key, without leaking it", async () => {
      expect.assertions(2);
      const { emulator } = await setup();
      const bad = new MeshyClient({ apiKey: "wrong-key-0000", baseUrl: emulator.url });
      onTestFinished(() => bad.close());
      const err = await rejection(bad.listTasks("rig"));
      expect(err.code).toBe("AUTH");
      expect(`${err.message}${err.stack}`).not.toContain("wrong-key-0000");
    });

    it("reports a lost POST answer as UNKNOWN_OUTCOME and never re-sends it", async () => {
      expect.assertions(3);
      const { emulator, client } = await setup({ speed: "instant" });
      emulator.setFaults({ script: [{ match: EP.createRig, nth: 1, fault: "lost-answer" }] });
      const err = await rejection(client.createRig({ source: { kind: "task", taskId: "t3d" }, heightMeters: 1.7 }));
      expect(err.code).toBe("UNKNOWN_OUTCOME");
      expect(emulator.stats().requests[EP.createRig]).toBe(1);
      // The task exists: the caller reconciles through the list.
      expect(await client.listTasks("rig")).toHaveLength(1);
    });

    it("recovers from a dropped stream by polling", async () => {
      expect.assertions(2);
      const { emulator, client } = await setup();
      emulator.setFaults({ dropStream: 1 });
      const rigId = await client.createRig({ source: { kind: "url", url: "https://example.com/hero.glb" }, heightMeters: 1.7 });
      const events: TaskProgress[] = [];
      const rig = await client.waitForTask("rig", rigId, { onProgress: (p) => events.push(p) });
      expect(rig.status).toBe("SUCCEEDED");
      expect(events.at(-1)?.via).toBe("poll");
    });
  });

  describe("MeshyClient against the emulator: every error code", () => {
    const fileSource = (path: string) => ({ kind: "file" as const, path, mime: "model/gltf-binary" });

    it("422 not a humanoid → REFUSED with Meshy's message", async () => {
      const { emulator, client, model } = await setup();
      const { createHash } = await import("node:crypto");
      const { readFile } = await import("node:fs/promises");
      emulator.setFaults({
        rejectInputs: [
          createHash("sha256")
            .update(await readFile(model))
            .digest("hex"),
        ],
      });
      const err = await rejection(client.createRig({ source: fileSource(model), heightMeters: 1.8 }));
      expect(err).toMatchObject({ code: "REFUSED", status: 422 });
      expect(err.meshyMessage).toMatch(/Pose estimation failed/);
    });

    it("400 unknown action → REFUSED; 404 unknown rig → NOT_FOUND", async () => {
      const { client, model } = await setup({ speed: "instant" });
      const rigId = await client.createRig({ source: fileSource(model), heightMeters: 1.8 });
      await client.waitForTask("rig", rigId);
      expect(await rejection(client.createAnimation({ rigTaskId: rigId, actionId: 99_999 }))).toMatchObject({
        code: "REFUSED",
        status: 400,
      });
      expect(await rejection(client.createAnimation({ rigTaskId: "no-such-rig", actionId: 0 }))).toMatchObject({
        code: "NOT_FOUND",
        status: 404,
      });
    });

    it("402 out of credits → CREDITS, not retried", async () => {
      const { emulator, client, model } = await setup({ speed: "instant", credits: 4 });
      expect(await rejection(client.createRig({ source: fileSource(model), heightMeters: 1.8 }))).toMatchObject({
        code: "CREDITS",
        status: 402,
      });
      expect(emulator.stats().requests[EP.createRig]).toBe(1);
    });

    it("429 queue full → QUEUE_FULL at once; 429 rate limit → retried until it passes", async () => {
      const { emulator, client, model } = await setup({ queueLimit: 1, rigMs: 5_000 });
      await client.createRig({ source: fileSource(model), heightMeters: 1.8 });
      const err = await rejection(client.createRig({ source: fileSource(model), heightMeters: 1.8 }));
      expect(err.code).toBe("QUEUE_FULL");
      if (version === 1) expect(err.meshyMessage).toMatch(/NoMore(Concurrent|Pending)Tasks/);
      else expect(err.meshyCode).toBe("pending_task_limit_reached");
      expect(emulator.stats().requests[EP.createRig]).toBe(2);
      emulator.setFaults({ script: [1, 2].map((nth) => ({ match: EP.library, nth, fault: "429" as const })) });
      const actions = await client.listActions();
      expect(actions.length).toBeGreaterThan(0);
      expect(emulator.stats().requests[EP.library]).toBe(3);
    });

    it("5xx on GET is retried; 5xx on a create POST is UNKNOWN_OUTCOME (never re-sent)", async () => {
      const { emulator, client, model } = await setup({ speed: "instant" });
      const rigId = await client.createRig({ source: fileSource(model), heightMeters: 1.8 });
      emulator.setFaults({
        script: [
          { match: EP.getRig, nth: 1, fault: "500" },
          { match: EP.getRig, nth: 2, fault: "503" },
          { match: EP.createRig, nth: 1, fault: "502" },
        ],
      });
      expect((await client.getTask("rig", rigId)).id).toBe(rigId);
      const before = emulator.stats().requests[EP.createRig]!;
      expect(await rejection(client.createRig({ source: fileSource(model), heightMeters: 1.8 }))).toMatchObject({
        code: "UNKNOWN_OUTCOME",
      });
      expect(emulator.stats().requests[EP.createRig]).toBe(before + 1);
    });

    it("an expired signed URL → FORBIDDEN; the stream of an unknown task → NOT_FOUND via event: error", async () => {
      const { emulator, client, model } = await setup({ speed: "instant" });
      const rigId = await client.createRig({ source: fileSource(model), heightMeters: 1.8 });
      const rig = await client.waitForTask("rig", rigId);
      emulator.setFaults({ script: [{ match: "GET assets", nth: 1, fault: "expired-url" }] });
      expect(await rejection(client.fetchAsset(rig.outputs!.glb!))).toMatchObject({ code: "FORBIDDEN" });
      expect(await rejection(client.waitForTask("rig", "00000000-0000-0000-0000-000000000000"))).toMatchObject({ code: "NOT_FOUND" });
    });
  });
});

describe("API v2 only: its error codes and the cut-off", () => {
  async function v2Setup(options: EmulatorOptions = {}, apiVersion: ApiVersion = 2) {
    const emulator = await startEmulator({ speed: "instant", ...options });
    onTestFinished(() => emulator.close());
    const client = new MeshyClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, apiVersion, requestsPerSecond: 1000 });
    onTestFinished(() => client.close());
    return { emulator, client };
  }

  it("429 rate_limit_exceeded → waits Retry-After and retries; concurrent_task_limit_reached → QUEUE_FULL", async () => {
    const { emulator, client } = await v2Setup({ unlimitedPlanTaskLimit: 1, rigMs: 5_000 });
    emulator.setFaults({ script: [{ match: "GET /openapi/v2/animations/library", nth: 1, fault: "429" }] });
    expect((await client.listActions()).length).toBeGreaterThan(0);
    expect(emulator.stats().requests["GET /openapi/v2/animations/library"]).toBe(2);
    await client.createRig({ source: { kind: "url", url: "https://example.com/a.glb" }, heightMeters: 1.7 });
    const err = await rejection(client.createRig({ source: { kind: "url", url: "https://example.com/b.glb" }, heightMeters: 1.7 }));
    expect(err).toMatchObject({ code: "QUEUE_FULL", meshyCode: "concurrent_task_limit_reached" });
  });

  it("a clip on a rig still running is refused with input_task_not_ready", async () => {
    const { client } = await v2Setup({ rigMs: 60_000 });
    const rig = await client.createRig({ source: { kind: "url", url: "https://example.com/a.glb" }, heightMeters: 1.7 });
    expect(await rejection(client.createAnimation({ rigTaskId: rig, actionId: 0 }))).toMatchObject({
      code: "REFUSED",
      status: 400,
      meshyCode: "input_task_not_ready",
    });
  });

  it("after the v1 cut-off a v1 client is refused on every route; v2 reads the tasks v1 made", async () => {
    const both = await v2Setup({}, 1);
    const id = await both.client.createRig({ source: { kind: "url", url: "https://example.com/a.glb" }, heightMeters: 1.7 });
    await both.client.waitForTask("rig", id);
    const v2 = new MeshyClient({ apiKey: both.emulator.apiKey, baseUrl: both.emulator.url, apiVersion: 2 });
    onTestFinished(() => v2.close());
    expect((await v2.getTask("rig", id)).outputs?.glb).toBeTruthy();
    const cut = await v2Setup({ apiVersions: "v2" }, 1);
    const err = await rejection(cut.client.createRig({ source: { kind: "url", url: "https://example.com/a.glb" }, heightMeters: 1.7 }));
    expect(err.status).toBe(404);
    expect(cut.emulator.stats().tasksCreated).toEqual({ rig: 0, animation: 0 });
  });
});
