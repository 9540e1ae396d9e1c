import { describe, expect, it } from "vitest";
import { renderPlan } from "../../src/report/plan-text.js";
import { given, HOUR, NOW } from "../plan/given.js";

const ANSI = /\x1b\[/;

describe("renderPlan", () => {
  it("renders changes with a legend of the symbols used, reasons and a count line", () => {
    const p = given()
      .character("knight", { actions: [0, 4] })
      .character("archer", { actions: [1] })
      .locked()
      .rig("knight", { expires_at: NOW + 10 * HOUR })
      .character("knight", { actions: [0, { actionId: 4, postProcess: { operation_type: "fbx2usdz" } }, 92] })
      .remove("archer")
      .deleted("knight/animations/action-0.fbx")
      .plan();
    expect(renderPlan(p, { color: false })).toMatchInlineSnapshot(`
      "Actions are shown with the following symbols:
        + create (paid)
      -/+ replace: made again (paid)
        ~ download again from an existing task (free)
        - prune: delete

      rigup will perform the following actions:

        ~ knight/animations/action-0 · Idle
            # knight/animations/action-0.fbx missing

      -/+ knight/animations/action-4 · Attack                 (3 credits)
            # post_process none → fbx2usdz

        + knight/animations/action-92 · Double_Combo_Attack   (3 credits)
            # new action 92 in characters.yaml

        - archer/animations/action-1
            # no longer in characters.yaml
            # deletes archer/animations/action-1.fbx
            # deletes archer/animations/action-1.glb

        - archer/rig
            # no longer in characters.yaml
            # deletes archer/rig/archer.fbx
            # deletes archer/rig/archer.glb
            # deletes archer/rig/running.armature.glb
            # deletes archer/rig/running.fbx
            # deletes archer/rig/running.glb
            # deletes archer/rig/walking.armature.glb
            # deletes archer/rig/walking.fbx
            # deletes archer/rig/walking.glb

      Warnings:
        ! rig of knight expires on 2026-11-23 10:00 UTC (in 10 hours): add actions before then or they will need a re-rig

      1 up to date.
      Plan: 1 to create, 1 to replace, 1 to download, 2 to prune. Estimated cost: 6 credits.
      "
    `);
  });

  it("shows resume, reconcile and a failure message without control characters", () => {
    const g = given()
      .character("knight", { actions: [0] })
      .character("archer")
      .locked();
    const p = g
      .rig("knight", { state: "pending", task_id: "rig-9" })
      .rig("archer", { state: "failed", error: { code: "422", message: "pose\x1b[31m failed\nbadly" } })
      .plan();
    p.steps.push({
      ...p.steps[0]!,
      key: "mage/rig",
      character: "mage",
      action: "reconcile",
      reasons: ["a request was sent on 2026-11-22 but its answer was lost"],
    });
    p.summary.reconcile++;
    expect(renderPlan(p, { color: false })).toMatchInlineSnapshot(`
      "Actions are shown with the following symbols:
        + create (paid)
      -/+ replace: made again (paid)
        > resume: wait for a running task (free)
        ? reconcile: look up a request whose answer was lost (free)

      rigup will perform the following actions:

        > knight/rig
            # task rig-9 still running; waiting for it

      -/+ knight/animations/action-0 · Idle   (3 credits)
            # re-made on the new rig: clips from different rig runs may not share a skeleton
            # after knight/rig

        + archer/rig                          (5 credits)
            # previous attempt failed: pose failed badly

        ? mage/rig
            # a request was sent on 2026-11-22 but its answer was lost

      Plan: 1 to create, 1 to replace, 0 to download, 1 to resume, 1 to reconcile, 0 to prune. Estimated cost: 8 credits.
      "
    `);
  });

  it("says explicitly when nothing changes, and still warns", () => {
    const p = given()
      .character("knight", { actions: [0] })
      .locked()
      .rig("knight", { expires_at: NOW + 5 * HOUR })
      .plan();
    expect(renderPlan(p, { color: false })).toMatchInlineSnapshot(`
      "No changes. Outputs match characters.yaml and characters.lock.

      Warnings:
        ! rig of knight expires on 2026-11-23 05:00 UTC (in 5 hours): add actions before then or they will need a re-rig
      "
    `);
  });

  it("uses ANSI colours only when asked", () => {
    const p = given()
      .character("knight", { actions: [0] })
      .plan();
    expect(renderPlan(p, { color: true })).toMatch(ANSI);
    expect(renderPlan(p, { color: false })).not.toMatch(ANSI);
    expect(renderPlan(given().plan(), { color: false })).not.toMatch(ANSI);
  });
});
