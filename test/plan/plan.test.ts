/** The orchestration: order, determinism, purity, summary. */
import { describe, expect, it } from "vitest";
import { hasChanges } from "../../src/plan/types.js";
import { plan } from "../../src/plan/plan.js";
import { given } from "./given.js";

describe("plan", () => {
  it("is deterministic and does not touch its input", () => {
    const g = given()
      .character("knight", { actions: [0, 4] })
      .character("archer", { actions: [8] })
      .locked()
      .character("knight", { actions: [0, 4, 92], heightMeters: 2 })
      .remove("archer")
      .output("knight/rig/old.fbx");
    const before = structuredClone(g.input());
    const a = plan(g.input());
    expect(plan(g.input())).toEqual(a);
    expect(g.input()).toEqual(before);
  });

  it("lists characters in manifest order, each rig before its clips in manifest order", () => {
    const keys = (names: string[]) => {
      const g = given();
      for (const n of names) g.character(n, { actions: [4, 0] });
      return g.plan().steps.map((s) => s.key);
    };
    expect(keys(["zed", "amy"])).toEqual([
      "zed/rig",
      "zed/animations/action-4",
      "zed/animations/action-0",
      "amy/rig",
      "amy/animations/action-4",
      "amy/animations/action-0",
    ]);
    expect(keys(["amy", "zed"])[0]).toBe("amy/rig");
  });

  it("summarises counts per action and credits", () => {
    const p = given()
      .character("knight", { actions: [0, 4] })
      .locked()
      .character("knight", { actions: [0, { actionId: 4, postProcess: { operation_type: "fbx2usdz" } }, 92] })
      .character("archer", { actions: [1] })
      .deleted("knight/rig/knight.glb")
      .plan();
    expect(p.summary).toEqual({
      create: 3,
      replace: 1,
      restore: 0,
      download: 1,
      resume: 0,
      reconcile: 0,
      prune: 0,
      noop: 1,
      merge: 0,
      credits: 14,
    });
    expect(hasChanges(p)).toBe(true);
  });

  it("an up-to-date tree has no changes", () => {
    const p = given()
      .character("knight", { actions: [0, 4] })
      .locked()
      .plan();
    expect(hasChanges(p)).toBe(false);
    expect(p.summary).toMatchObject({ noop: 3, credits: 0 });
  });
});
