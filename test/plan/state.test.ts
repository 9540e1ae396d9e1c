/** Rules 9 and 10: units caught mid-flight or failed. */
import { describe, expect, it } from "vitest";
import { NEW_RIG_REASON } from "../../src/plan/animation.js";
import { actions, DAY, given, NOW, step } from "./given.js";

/** A character whose rig was sent, without clips made yet. */
const rigOnly = () => {
  const g = given()
    .character("knight", { actions: [0, 4] })
    .locked();
  g.lock.characters.knight!.animations = {};
  return g;
};

describe("rule 9: pending, intent and unknown units are not re-sent", () => {
  it("resumes a pending rig, free; the clips wait for it", () => {
    const p = rigOnly().rig("knight", { state: "pending", status: "IN_PROGRESS", expires_at: undefined, files: {} }).plan();
    expect(step(p, "knight/rig")).toMatchObject({
      action: "resume",
      credits: 0,
      taskId: "rig-knight",
      reasons: ["task rig-knight still running; waiting for it"],
    });
    expect(step(p, "knight/animations/action-0")).toMatchObject({ action: "create", dependsOn: "knight/rig" });
    expect(p.summary.credits).toBe(6);
  });

  it.each(["intent", "unknown"] as const)("reconciles a rig in state %s, free", (state) => {
    const p = rigOnly()
      .rig("knight", { state, task_id: undefined, intent_at: NOW - 3 * DAY, files: {} })
      .plan();
    const rig = step(p, "knight/rig");
    expect(rig).toMatchObject({ action: "reconcile", credits: 0 });
    expect(rig.reasons).toEqual([
      "a request was sent on 2026-11-20 but its answer was lost; checking Meshy's task list before anything is re-sent",
    ]);
    expect(step(p, "knight/animations/action-4").dependsOn).toBe("knight/rig");
  });

  it("re-makes clips of the old rig when a new rig is still running", () => {
    const p = given()
      .character("knight", { actions: [0] })
      .locked()
      .rig("knight", { state: "pending", task_id: "rig-new" })
      .plan();
    expect(step(p, "knight/animations/action-0")).toMatchObject({ action: "replace", dependsOn: "knight/rig", reasons: [NEW_RIG_REASON] });
  });

  it("resumes a pending clip", () => {
    const p = given()
      .character("knight", { actions: [0] })
      .locked()
      .clip("knight", "action-0", { state: "pending" })
      .plan();
    expect(actions(p)).toEqual({ "knight/rig": "noop", "knight/animations/action-0": "resume" });
  });

  it("replaces a pending unit whose inputs changed: the running task answers the old inputs", () => {
    const p = rigOnly()
      .rig("knight", { state: "pending" })
      .character("knight", { actions: [0, 4], heightMeters: 2 })
      .plan();
    expect(step(p, "knight/rig")).toMatchObject({
      action: "replace",
      credits: 5,
      reasons: ["inputs changed while task rig-knight was running", "height_meters 1.7 → 2"],
    });
  });

  it("reconciles first even if the inputs changed since, and says so", () => {
    const p = rigOnly()
      .rig("knight", { state: "unknown" })
      .character("knight", { actions: [0, 4], heightMeters: 2 })
      .plan();
    expect(step(p, "knight/rig").action).toBe("reconcile");
    expect(step(p, "knight/rig").reasons[1]).toContain("height_meters 1.7 → 2");
  });
});

describe("rule 10: a failed unit is created again (failed tasks are refunded)", () => {
  it.each([
    ["rig", "knight/rig", 5],
    ["clip", "knight/animations/action-0", 3],
  ])("%s", (kind, key, credits) => {
    // A failed rig means a new skeleton: the clip is re-made with it (rule 2).
    const g = given()
      .character("knight", { actions: [0] })
      .locked();
    const failed = { state: "failed" as const, status: "FAILED" as const, error: { code: "422", message: "pose estimation failed" } };
    if (kind === "rig") g.rig("knight", failed);
    else g.clip("knight", "action-0", failed);
    const p = g.plan();
    expect(step(p, "knight/animations/action-0").action).toBe(kind === "rig" ? "replace" : "create");
    expect(step(p, key)).toMatchObject({ action: "create", credits });
    expect(step(p, key).reasons[0]).toBe("previous attempt failed: pose estimation failed");
  });
});
