/** Every fault, scripted by request count or by rate, and the admin endpoints that control and count them. */
import { describe, expect, it } from "vitest";
import { call, createRig, useEmulator } from "./harness.js";

const RIG = { model_url: "https://example.com/hero.glb" };

describe("faults", () => {
  it("lost-answer: the task is created and counted, the socket dies unanswered", async () => {
    const emu = await useEmulator({ faults: { script: [{ match: "POST /openapi/v1/rigging", nth: 1, fault: "lost-answer" }] } });
    await expect(call(emu, "POST", "/openapi/v1/rigging", RIG)).rejects.toThrow();
    const s = emu.stats();
    expect(s.tasksCreated.rig).toBe(1);
    expect(s.requests["POST /openapi/v1/rigging"]).toBe(1);
    expect(s.faults["lost-answer"]).toBe(1);
    const list = (await call(emu, "GET", "/openapi/v1/rigging")).json;
    expect(list).toHaveLength(1);
    // The second POST is answered normally.
    expect((await call(emu, "POST", "/openapi/v1/rigging", RIG)).status).toBe(202);
  });

  it("lostPost rate 1 loses every create answer", async () => {
    const emu = await useEmulator({ faults: { lostPost: 1 } });
    await expect(call(emu, "POST", "/openapi/v1/rigging", RIG)).rejects.toThrow();
    expect(emu.stats().tasksCreated.rig).toBe(1);
  });

  it("scripted 5xx and 429 by request count (drop, then 500, then 200, as undici's tests do)", async () => {
    const emu = await useEmulator({
      faults: {
        script: [
          { match: "GET /openapi/v1/rigging/:id", nth: 1, fault: "503" },
          { match: "GET /openapi/v1/rigging/:id", nth: 2, fault: "429" },
          { match: "POST /openapi/v1/rigging", nth: 1, fault: "500" },
        ],
      },
    });
    const failed = await call(emu, "POST", "/openapi/v1/rigging", RIG);
    expect(failed.status).toBe(500);
    expect(failed.json).toEqual({ message: expect.any(String) });
    expect(emu.stats().tasksCreated.rig).toBe(0); // a 5xx creates nothing
    const id = await createRig(emu);
    expect((await call(emu, "GET", `/openapi/v1/rigging/${id}`)).status).toBe(503);
    const limited = await call(emu, "GET", `/openapi/v1/rigging/${id}`);
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ message: "RateLimitExceeded" });
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await call(emu, "GET", `/openapi/v1/rigging/${id}`)).status).toBe(200);
  });

  it("rate-based faults are reproducible from the seed", async () => {
    const run = async () => {
      const emu = await useEmulator({ seed: 42, faults: { rate5xx: 0.3, rate429: 0.2 } });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await call(emu, "GET", "/openapi/v1/animations/library")).status);
      return statuses;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a).toContain(200);
    expect(a.some((s) => s >= 500)).toBe(true);
    expect(a).toContain(429);
  });

  it("expired URLs answer 403 with an HTML page; forged ones too; unknown files 404", async () => {
    const emu = await useEmulator({ faults: { expiredUrls: 1 } });
    const id = await createRig(emu);
    const task = (await call(emu, "GET", `/openapi/v1/rigging/${id}`)).json;
    const expired = await fetch(task.result.rigged_character_glb_url);
    expect(expired.status).toBe(403);
    expect(expired.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await expired.text()).toMatch(/<html>/);

    emu.setFaults({ expiredUrls: 0 });
    const fresh = (await call(emu, "GET", `/openapi/v1/rigging/${id}`)).json.result.rigged_character_glb_url as string;
    expect((await fetch(fresh)).status).toBe(200);
    expect((await fetch(fresh.replace(/Signature=[^&]+/, "Signature=forged"))).status).toBe(403);
    const other = new URL(fresh);
    other.pathname = other.pathname.replace("Character_output.glb", "Nope.glb");
    expect((await fetch(other)).status).toBe(403); // signature covers the path
  });

  it("URLs expire on the clock (urlTtlMs); a clock jump expires tasks and their assets (404)", async () => {
    const emu = await useEmulator({ urlTtlMs: 60_000, animationRetentionMs: 30_000 });
    const rig = await createRig(emu);
    const url = (await call(emu, "GET", `/openapi/v1/rigging/${rig}`)).json.result.rigged_character_fbx_url as string;
    expect((await fetch(url)).status).toBe(200);
    emu.advanceClock(61_000);
    expect((await fetch(url)).status).toBe(403);

    const anim = (await call(emu, "POST", "/openapi/v1/animations", { rig_task_id: rig, action_id: 0 })).json.result;
    const animUrl = (await call(emu, "GET", `/openapi/v1/animations/${anim}`)).json.result.animation_glb_url as string;
    expect((await fetch(animUrl)).status).toBe(200);
    emu.advanceClock(31_000); // URL still within its TTL, the task past its retention
    expect((await fetch(animUrl)).status).toBe(404);
    expect((await call(emu, "GET", `/openapi/v1/animations/${anim}`)).status).toBe(404);
  });

  it("slow downloads are throttled", async () => {
    const emu = await useEmulator();
    const id = await createRig(emu);
    const url = (await call(emu, "GET", `/openapi/v1/rigging/${id}`)).json.result.rigged_character_fbx_url as string;
    const size = (await (await fetch(url)).arrayBuffer()).byteLength;
    emu.setFaults({ slowDownloadBps: Math.ceil(size / 0.4) }); // ~0.4 s for the file
    const started = Date.now();
    const res = await fetch(url);
    expect(Number(res.headers.get("content-length"))).toBe(size);
    expect((await res.arrayBuffer()).byteLength).toBe(size);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(emu.stats().faults["slow-download"]).toBe(1);
  });

  it("drop-stream on a download cuts the body short", async () => {
    const emu = await useEmulator({ faults: { script: [{ match: "GET assets", nth: 1, fault: "drop-stream" }] } });
    const id = await createRig(emu);
    const url = (await call(emu, "GET", `/openapi/v1/rigging/${id}`)).json.result.rigged_character_glb_url as string;
    await expect(fetch(url).then((r) => r.arrayBuffer())).rejects.toThrow();
    expect((await (await fetch(url)).arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it("assets need no Authorization header and carry Content-Length", async () => {
    const emu = await useEmulator();
    const id = await createRig(emu);
    const url = (await call(emu, "GET", `/openapi/v1/rigging/${id}`)).json.result.basic_animations.walking_armature_glb_url as string;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("model/gltf-binary");
    expect(Number(res.headers.get("content-length"))).toBe((await res.arrayBuffer()).byteLength);
  });
});

describe("admin endpoints", () => {
  it("advances the clock, sets faults, counts requests, resets", async () => {
    const emu = await useEmulator({ rigMs: 3_600_000 });
    const admin = (method: string, path: string, body?: unknown) => call(emu, method, `/__emulator/${path}`, body, null);
    const id = await createRig(emu);
    await createRig(emu, { model_url: "https://example.com/hero.glb" }); // same input twice
    await call(emu, "GET", `/openapi/v1/rigging/${id}`);

    const clock = await admin("POST", "clock", { advance_ms: 3_600_000 });
    expect(clock.status).toBe(200);
    expect(clock.json.offset_ms).toBe(3_600_000);
    expect((await call(emu, "GET", `/openapi/v1/rigging/${id}`)).json.status).toBe("SUCCEEDED");
    expect((await admin("POST", "clock", { advance_ms: -1 })).status).toBe(400);

    const faults = await admin("POST", "faults", { rate5xx: 1 });
    expect(faults.json.rate5xx).toBe(1);
    expect((await admin("GET", "faults")).json).toMatchObject({ rate5xx: 1, rate429: 0, script: [] });
    expect((await call(emu, "GET", "/openapi/v1/rigging")).status).toBeGreaterThanOrEqual(500);
    expect((await admin("POST", "faults", { rate5xx: 2 })).status).toBe(400);
    expect((await admin("POST", "faults", { nonsense: 1 })).status).toBe(400);

    const stats = (await admin("GET", "stats")).json;
    expect(stats.requests).toMatchObject({ "POST /openapi/v1/rigging": 2, "GET /openapi/v1/rigging/:id": 2, "GET /openapi/v1/rigging": 1 });
    expect(stats.tasksCreated).toEqual({ rig: 2, animation: 0 });
    expect(Object.values(stats.tasksByInput)).toEqual([2]);
    const perSecond = stats.requestsPerSecond.reduce((n: number, [, c]: [number, number]) => n + c, 0);
    expect(perSecond).toBe(5); // admin requests are not counted
    expect(stats.peakRequestsPerSecond).toBeGreaterThanOrEqual(1);
    expect(stats).toEqual(emu.stats());

    expect((await admin("POST", "reset")).json).toEqual({ ok: true });
    expect(emu.stats().tasksCreated).toEqual({ rig: 0, animation: 0 });
    expect((await call(emu, "GET", `/openapi/v1/rigging/${id}`)).status).toBe(404);
    expect((await call(emu, "GET", "/openapi/v1/rigging")).status).toBe(200); // faults back to start
  });
});
