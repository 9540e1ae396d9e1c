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

const base = { kind: "rig" as const, intentAt: 1_000_000, clockSkewMs: 1_000, settleMs: 0, sleep: async () => {} };

describe("reconcileLostCreate", () => {
  it("adopts the single unclaimed task created since the intent", async () => {
    const { api } = fakeList([[task("old", 990_000), task("ours", 1_000_500), task("known", 1_000_200)]]);
    const result = await reconcileLostCreate(api, { ...base, known: new Set(["known"]) });
    expect(result).toEqual({ kind: "found", task: task("ours", 1_000_500) });
  });

  it("looks twice before concluding nothing was created (lists may lag)", async () => {
    const { api } = fakeList([[task("old", 900_000)], [task("late", 1_000_100)]]);
    expect(await reconcileLostCreate(api, { ...base, known: new Set() })).toMatchObject({ kind: "found", task: { id: "late" } });
  });

  it("reports none when both looks find nothing new", async () => {
    const { api } = fakeList([[task("old", 900_000)]]);
    expect(await reconcileLostCreate(api, { ...base, known: new Set() })).toEqual({ kind: "none" });
  });

  it("refuses to guess between two unclaimed tasks (another client on the account)", async () => {
    const { api } = fakeList([[task("a", 1_000_100), task("b", 1_000_200)]]);
    expect(await reconcileLostCreate(api, { ...base, known: new Set() })).toEqual({ kind: "ambiguous", candidates: ["b", "a"] });
  });

  it("pages back until the window is covered, and no further", async () => {
    const many = Array.from({ length: 120 }, (_, i) => task(`t${i}`, 1_000_000 + 1_000 + i));
    const { api, pages } = fakeList([[...many, task("before", 10)]]);
    const result = await reconcileLostCreate(api, { ...base, known: new Set(many.slice(1).map((t) => t.id)) });
    expect(result).toMatchObject({ kind: "found", task: { id: "t0" } });
    expect(pages).toEqual([1, 2, 3]);
  });
});
