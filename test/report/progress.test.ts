/** What a unit's row says as its events arrive (report/progress.ts): a restore from the store says so, a Meshy download says downloading. */
import { describe, expect, it } from "vitest";
import type { Plan, PlanStep } from "../../src/plan/types.js";
import { Progress } from "../../src/report/progress.js";

const step = (key: string, action: PlanStep["action"]): PlanStep => ({
  key,
  character: "knight",
  kind: "rig",
  action,
  reasons: [],
  credits: 0,
  missing: [`${key}/knight.glb`],
});

function planOf(...steps: PlanStep[]): Plan {
  const summary = { create: 0, replace: 0, restore: 0, download: 0, resume: 0, reconcile: 0, prune: 0, noop: 0, merge: 0, credits: 0 };
  for (const s of steps) summary[s.action] += 1;
  return { now: 0, steps, merges: [], summary, warnings: [] };
}

describe("Progress", () => {
  it("a unit restored from the team store is restoring, from start to its last byte; one fetched from Meshy is downloading", () => {
    const progress = new Progress(planOf(step("knight/rig", "restore"), step("archer/rig", "download")));
    for (const [key, action] of [
      ["knight/rig", "restore"],
      ["archer/rig", "download"],
    ]) {
      progress.apply({ type: "unit:start", at: 0, key: key!, kind: "rig", action: action! });
      if (key === "knight/rig") expect(progress.units.get(key)!.doing).toBe("restoring from the team store");
      progress.apply({ type: "file:progress", at: 1, key: key!, path: `${key!}/knight.glb`, bytes: 1024, total: 4096 });
    }
    expect(progress.units.get("knight/rig")!.doing).toBe("restoring knight.glb 1.0 KiB of 4.0 KiB");
    expect(progress.units.get("archer/rig")!.doing).toBe("downloading knight.glb 1.0 KiB of 4.0 KiB");
  });
});
