/** Rules 5, 6, 7, 8: one clip on its own. */
import { describe, expect, it } from "vitest";
import { actions, DAY, given, NOW, step } from "./given.js";

const KNIGHT = { actions: [0, 4, 92] };
const built = () => given().character("knight", KNIGHT).locked();

describe("rule 5: a changed post-process or action id re-makes only that clip", () => {
  it.each([
    [{ actionId: 4, postProcess: { operation_type: "fbx2usdz" } } as const, "post_process none → fbx2usdz"],
    [{ actionId: 4, postProcess: { operation_type: "change_fps", fps: 24 } } as const, "post_process none → change_fps 24 fps"],
    [{ actionId: 5, name: "action-4" }, "action_id 4 → 5"],
  ])("%o", (spec, reason) => {
    const p = built()
      .character("knight", { actions: [0, spec, 92] })
      .plan();
    expect(actions(p)).toEqual({
      "knight/rig": "noop",
      "knight/animations/action-0": "noop",
      "knight/animations/action-4": "replace",
      "knight/animations/action-92": "noop",
    });
    expect(step(p, "knight/animations/action-4")).toMatchObject({ credits: 3, reasons: [reason] });
    expect(step(p, "knight/animations/action-4").dependsOn).toBeUndefined();
    expect(p.summary.credits).toBe(3);
  });

  it("fetches the post-processed output as well", () => {
    const p = built()
      .character("knight", { actions: [0, { actionId: 4, postProcess: { operation_type: "extract_armature" } }, 92] })
      .plan();
    expect(step(p, "knight/animations/action-4").missing).toEqual(["glb", "fbx", "armature.fbx"]);
  });
});

it("rule 6: a clip made on an older rig task is re-made", () => {
  const p = built().clip("knight", "action-4", { rig_task_id: "rig-old" }).plan();
  expect(actions(p)).toMatchObject({ "knight/rig": "noop", "knight/animations/action-0": "noop", "knight/animations/action-4": "replace" });
  expect(step(p, "knight/animations/action-4").reasons[0]).toBe(
    "made on rig task rig-old, but knight's rig is task rig-knight: clips from different rig runs may not share a skeleton",
  );
});

describe("rule 7: a live task with outputs missing or wrong is downloaded again, free", () => {
  it.each([
    ["deleted", (g: ReturnType<typeof built>) => g.deleted("knight/animations/action-4.fbx"), "knight/animations/action-4.fbx missing"],
    [
      "corrupted",
      (g: ReturnType<typeof built>) => g.corrupted("knight/animations/action-4.fbx"),
      "knight/animations/action-4.fbx hash mismatch",
    ],
  ])("%s clip file", (_, change, reason) => {
    const p = change(built()).plan();
    expect(step(p, "knight/animations/action-4")).toMatchObject({
      action: "download",
      credits: 0,
      missing: ["fbx"],
      reasons: [reason],
      taskId: "anim-knight-action-4",
    });
    expect(p.summary).toMatchObject({ download: 1, credits: 0 });
  });

  it("a size mismatch (no hash taken) counts as wrong", () => {
    const g = built();
    g.facts.outputs["knight/rig/knight.glb"] = { size: 1 };
    expect(step(g.plan(), "knight/rig")).toMatchObject({
      action: "download",
      missing: ["glb"],
      reasons: ["knight/rig/knight.glb hash mismatch"],
    });
  });

  it("downloads when expires_at is unknown", () => {
    const p = built().clip("knight", "action-0", { expires_at: undefined }).deleted("knight/animations/action-0.glb").plan();
    expect(step(p, "knight/animations/action-0").action).toBe("download");
  });

  it("lists at most five files, then a count", () => {
    const g = built();
    for (const path of Object.keys(g.facts.outputs)) if (path.startsWith("knight/rig/")) g.deleted(path);
    const rig = step(g.plan(), "knight/rig");
    expect(rig.action).toBe("download");
    expect(rig.missing).toHaveLength(8);
    expect(rig.reasons).toHaveLength(6);
    expect(rig.reasons[5]).toBe("and 3 more files");
  });
});

describe("rule 8: an expired clip with files missing is re-made", () => {
  it("on a live rig: just that clip, 3 credits", () => {
    const p = built()
      .clip("knight", "action-4", { expires_at: NOW - 2 * DAY })
      .deleted("knight/animations/action-4.glb")
      .plan();
    expect(actions(p)).toMatchObject({
      "knight/rig": "noop",
      "knight/animations/action-0": "noop",
      "knight/animations/action-4": "replace",
    });
    expect(step(p, "knight/animations/action-4").reasons).toEqual([
      "task anim-knight-action-4 expired on 2026-11-21 and files are missing",
      "knight/animations/action-4.glb missing",
    ]);
    expect(p.summary.credits).toBe(3);
  });

  it("an expired clip with its files present stays as it is", () => {
    const p = built()
      .clip("knight", "action-4", { expires_at: NOW - 2 * DAY })
      .plan();
    expect(step(p, "knight/animations/action-4").action).toBe("noop");
  });
});
