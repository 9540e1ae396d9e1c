/** Matching a lost create against Meshy's task list: adopt one exact candidate, never guess. */
import { describe, expect, it } from "vitest";
import { reconcileLostCreate } from "../../src/execute/reconcile.js";
import type { ListOptions, MeshyApi } from "../../src/meshy/api.js";
import type { Task } from "../../src/meshy/schemas.js";

const task = (id: string, created_at: number): Task => ({ id, status: "PENDING", progress: 0, created_at }) as Task;

/** A list endpoint over `tasks` (newest first), recording the pages asked for. */
function fakeList(batches: Task[][]) {
  const pages: number[] = [];
  let call = 0;
  const api = {
    async listTasks(_kind: string, opts: ListOptions = {}) {
      const tasks = [...(batches[Math.min(call, batches.length - 1)] ?? [])].sort((a, b) => b.created_at! - a.created_at!);
      const size = opts.pageSize ?? 10;
      const page = opts.pageNum ?? 1;
      pages.push(page);
      if (page * size >= tasks.length) call++;
      return tasks.slice((page - 1) * size, page * size);
    },
  } as unknown as MeshyApi;
  return { api, pages };
}

const base = { kind: "rig" as const, window: { from: 999_000 }, settleMs: 0, sleep: async () => {} };
const ids =
  (...list: string[]) =>
  async () =>
    new Set(list);

describe("reconcileLostCreate", () => {
  it("adopts the single unclaimed task created inside the window", async () => {
    const { api } = fakeList([[task("old", 990_000), task("ours", 1_000_500), task("known", 1_000_200)]]);
    const result = await reconcileLostCreate(api, { ...base, known: ids("known") });
    expect(result).toEqual({ kind: "found", task: task("ours", 1_000_500) });
  });

  it("waits before it looks (lists may lag), and looks once", async () => {
    const slept: number[] = [];
    const { api, pages } = fakeList([[task("old", 900_000), task("late", 1_000_100)]]);
    const result = await reconcileLostCreate(api, { ...base, settleMs: 2_000, sleep: async (ms) => void slept.push(ms), known: ids() });
    expect(result).toMatchObject({ kind: "found", task: { id: "late" } });
    expect(slept).toEqual([2_000]);
    expect(pages).toEqual([1]);
  });

  it("reports none when nothing new is in the window", async () => {
    const { api } = fakeList([[task("old", 900_000)]]);
    expect(await reconcileLostCreate(api, { ...base, known: ids() })).toEqual({ kind: "none" });
  });

  it("ignores tasks created after the window closed (another client, after our answer was lost)", async () => {
    const { api } = fakeList([[task("theirs", 1_010_000)]]);
    expect(await reconcileLostCreate(api, { ...base, window: { from: 999_000, to: 1_002_000 }, known: ids() })).toEqual({ kind: "none" });
  });

  it("with no lower bound (intent time not on Meshy's clock), every unclaimed task is a candidate", async () => {
    const { api } = fakeList([[task("a", 10), task("b", 900_000)]]);
    expect(await reconcileLostCreate(api, { ...base, window: {}, known: ids() })).toMatchObject({ kind: "ambiguous" });
  });

  it("asks for the known ids when it looks, so ids another run recorded meanwhile are excluded", async () => {
    const known = new Set<string>();
    const { api } = fakeList([[task("ours", 1_000_100), task("shard-2", 1_000_200)]]);
    const result = await reconcileLostCreate(api, { ...base, known: async () => known, sleep: async () => void known.add("shard-2") });
    expect(result).toMatchObject({ kind: "found", task: { id: "ours" } });
  });

  it("refuses to guess between two unclaimed tasks (another client on the account)", async () => {
    const { api } = fakeList([[task("a", 1_000_100), task("b", 1_000_200)]]);
    expect(await reconcileLostCreate(api, { ...base, known: ids() })).toEqual({ kind: "ambiguous", candidates: ["b", "a"] });
  });

  it("pages back until the window is covered, and no further", async () => {
    const many = Array.from({ length: 120 }, (_, i) => task(`t${i}`, 1_000_000 + 1_000 + i));
    const { api, pages } = fakeList([[...many, task("before", 10)]]);
    const result = await reconcileLostCreate(api, { ...base, known: ids(...many.slice(1).map((t) => t.id)) });
    expect(result).toMatchObject({ kind: "found", task: { id: "t0" } });
    expect(pages).toEqual([1, 2, 3]);
  });
});
