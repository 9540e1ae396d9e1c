import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sleep } from "../../src/async/sleep.js";

// The one sleep (async/sleep.ts): every retry, poll and wait pauses through it.
describe("sleep", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("resolves after ms, not before", async () => {
    let done = false;
    const p = sleep(1_000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
  });

  it("on abort, rejects with the signal's reason and clears its timer", async () => {
    const ctl = new AbortController();
    const p = sleep(60_000, ctl.signal);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error("stop");
    ctl.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects at once, with no timer, when the signal is already aborted", async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(sleep(10, ctl.signal)).rejects.toBe(ctl.signal.reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("leaves no abort listener behind once it resolved", async () => {
    const ctl = new AbortController();
    const p = sleep(5, ctl.signal);
    await vi.advanceTimersByTimeAsync(5);
    await p;
    ctl.abort(new Error("late"));
    await expect(p).resolves.toBeUndefined();
  });
});
