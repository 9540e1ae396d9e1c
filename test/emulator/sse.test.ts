/** GET .../:id/stream: events, keep-alive, error-after-200, dropped streams. */
import { describe, expect, it } from "vitest";
import { TERMINAL_STATUSES } from "../../src/meshy/schemas.js";
import { createRig, readSse, useEmulator } from "./harness.js";

describe("task streams", () => {
  it("goes PENDING -> IN_PROGRESS -> SUCCEEDED with partial objects, then closes", async () => {
    const emu = await useEmulator({ rigMs: 300, concurrentTasks: 1 });
    await createRig(emu); // occupies the only slot, so the next one starts PENDING
    const id = await createRig(emu);
    const { status, contentType, events, closed } = await readSse(`${emu.url}/openapi/v1/rigging/${id}/stream`, emu.apiKey, {
      timeoutMs: 5000,
    });
    expect(status).toBe(200);
    expect(contentType).toBe("text/event-stream");
    expect(closed).toBe(true);
    expect(events.every((e) => e.event === "message")).toBe(true);
    const statuses = events.map((e) => e.data.status);
    expect(statuses[0]).toBe("PENDING");
    expect(events[0]!.data.preceding_tasks).toBe(0);
    expect(statuses).toContain("IN_PROGRESS");
    expect(statuses.at(-1)).toBe("SUCCEEDED");
    for (const e of events.slice(0, -1)) {
      expect(Object.keys(e.data).sort()).toEqual(["id", "preceding_tasks", "progress", "status"]);
    }
    const progress = events.map((e) => e.data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.at(-1)!.data).toMatchObject({ id, progress: 100, result: expect.any(Object) });
  });

  it("re-sends the current state as keep-alive", async () => {
    const emu = await useEmulator({ rigMs: 3_600_000, keepAliveMs: 40 });
    const id = await createRig(emu);
    const { events } = await readSse(`${emu.url}/openapi/v1/rigging/${id}/stream`, emu.apiKey, { max: 4, timeoutMs: 5000 });
    expect(events).toHaveLength(4);
    expect(new Set(events.map((e) => JSON.stringify(e.data))).size).toBe(1);
  });

  it("answers 200 then event: error for an unknown task", async () => {
    const emu = await useEmulator();
    const { status, events, closed } = await readSse(`${emu.url}/openapi/v1/animations/nope/stream`, emu.apiKey);
    expect(status).toBe(200);
    expect(closed).toBe(true);
    expect(events).toEqual([{ event: "error", data: { status_code: 404, message: "Task not found" } }]);
  });

  it("streams an already finished task as one full event", async () => {
    const emu = await useEmulator();
    const id = await createRig(emu);
    const { events, closed } = await readSse(`${emu.url}/openapi/v1/rigging/${id}/stream`, emu.apiKey);
    expect(closed).toBe(true);
    expect(events).toHaveLength(1);
    expect(events[0]!.data.status).toBe("SUCCEEDED");
  });

  it("drop-stream fault: the connection dies without a terminal event", async () => {
    const emu = await useEmulator({
      rigMs: 2000,
      faults: { script: [{ match: "GET /openapi/v1/rigging/:id/stream", nth: 1, fault: "drop-stream" }] },
    });
    const id = await createRig(emu);
    const dropped = await readSse(`${emu.url}/openapi/v1/rigging/${id}/stream`, emu.apiKey);
    expect(dropped.broken || dropped.closed).toBe(true);
    expect(dropped.events.some((e) => TERMINAL_STATUSES.has(e.data.status))).toBe(false);
    expect(emu.stats().faults["drop-stream"]).toBe(1);

    emu.advanceClock(2000);
    const second = await readSse(`${emu.url}/openapi/v1/rigging/${id}/stream`, emu.apiKey);
    expect(second.events.at(-1)!.data.status).toBe("SUCCEEDED");
  });

  it("close() ends open streams", async () => {
    const emu = await useEmulator({ rigMs: 3_600_000 });
    const id = await createRig(emu);
    const reading = readSse(`${emu.url}/openapi/v1/rigging/${id}/stream`, emu.apiKey, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    await emu.close();
    const r = await reading;
    expect(r.broken || r.closed).toBe(true);
    expect(r.events.length).toBeGreaterThan(0);
  });
});
