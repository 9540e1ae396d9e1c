import { describe, expect, it } from "vitest";
import { mapLimit } from "../../src/async/map-limit.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

// What every caller of mapLimit (scan, store, push, manifest checks) relies on.
describe("mapLimit", () => {
  it("keeps the order of the items whatever order they finish in", async () => {
    expect(await mapLimit([30, 0, 10, 20], 2, async (ms) => (await tick(ms), ms * 2))).toEqual([60, 0, 20, 40]);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });

  it("runs at most `limit` at a time", async () => {
    let running = 0;
    let most = 0;
    await mapLimit(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        most = Math.max(most, ++running);
        await tick(i % 3);
        running--;
      },
    );
    expect(most).toBe(3);
  });

  it("rejects with the first error, and starts no item after it", async () => {
    const started: number[] = [];
    const run = mapLimit([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      await tick(i === 0 ? 20 : 5);
      if (i === 1) throw new Error("item 1");
      return i;
    });
    await expect(run).rejects.toThrow("item 1");
    await tick(40);
    expect(started).toEqual([0, 1]);
  });

  it("passes the item only (no index), as the callers' one-argument functions expect", async () => {
    const args: unknown[][] = [];
    await mapLimit(["a", "b"], 2, async (...a: unknown[]) => void args.push(a));
    expect(args).toEqual([["a"], ["b"]]);
  });
});
