/** Rule 11: a live task with the same inputs is downloaded instead of paid for again. */
import { describe, expect, it } from "vitest";
import { animationInputs, rigInputs } from "../../src/plan/digest.js";
import { digestOf } from "../../src/text/canonical-json.js";
import { actions, DAY, given, NOW, step } from "./given.js";

/** knight built at 1.9 m earlier (task rig-old, clip anim-old), now built at 1.7 m, and the manifest back at 1.9 m. */
function reverted(opts: { rigExpires?: number; clipExpires?: number; clipRig?: string } = {}) {
  const g = given().character("knight", { actions: [0], heightMeters: 1.9 });
  const oldRig = digestOf(rigInputs(g.manifest.characters[0]!, g.facts));
  const clipDigest = digestOf(animationInputs(g.manifest.characters[0]!.actions[0]!));
  g.character("knight", { actions: [0], heightMeters: 1.7 }).locked();
  g.rig("knight", { history: [{ task_id: "rig-old", digest: oldRig, expires_at: opts.rigExpires ?? NOW + 8 * DAY }] });
  g.clip("knight", "action-0", {
    history: [
      { task_id: "anim-old", digest: clipDigest, rig_task_id: opts.clipRig ?? "rig-old", expires_at: opts.clipExpires ?? NOW + DAY },
    ],
  });
  return g.character("knight", { actions: [0], heightMeters: 1.9 });
}

describe("rule 11: reuse", () => {
  it("re-downloads the rig and its clip from live tasks of the same inputs, free", () => {
    const p = reverted().plan();
    expect(step(p, "knight/rig")).toMatchObject({ action: "download", credits: 0, taskId: "rig-old", expiresAt: NOW + 8 * DAY });
    expect(step(p, "knight/rig").reasons).toEqual([
      "height_meters 1.7 → 1.9",
      "inputs match task rig-old (still available until 2026-12-01): re-downloading instead of paying again",
    ]);
    expect(step(p, "knight/rig").missing).toHaveLength(8);
    expect(step(p, "knight/animations/action-0")).toMatchObject({ action: "download", credits: 0, taskId: "anim-old" });
    expect(p.summary.credits).toBe(0);
  });

  it("pays for a clip when the live clip was made on another rig", () => {
    const p = reverted({ clipRig: "rig-other" }).plan();
    expect(actions(p)).toEqual({ "knight/rig": "download", "knight/animations/action-0": "replace" });
    expect(step(p, "knight/animations/action-0").reasons[0]).toContain("made on rig task rig-knight");
  });

  it("pays when the matching task has expired", () => {
    const p = reverted({ rigExpires: NOW - 1 }).plan();
    expect(actions(p)).toEqual({ "knight/rig": "replace", "knight/animations/action-0": "replace" });
    expect(p.summary.credits).toBe(8);
  });

  it("does not reuse clips when the rig is re-made", () => {
    const p = reverted({ rigExpires: NOW - 1, clipExpires: NOW + 2 * DAY }).plan();
    expect(step(p, "knight/animations/action-0").action).toBe("replace");
  });

  it("reuses a live rig from history instead of re-rigging an expired one (rule 4)", () => {
    const g = given()
      .character("knight", { actions: [0] })
      .locked();
    const digest = g.lock.characters.knight!.rig!.digest;
    g.rig("knight", { expires_at: NOW - DAY, history: [{ task_id: "rig-twin", digest, expires_at: NOW + 20 * DAY }] });
    const p = g.character("knight", { actions: [0, 92] }).plan();
    expect(step(p, "knight/rig")).toMatchObject({ action: "download", taskId: "rig-twin" });
    expect(step(p, "knight/rig").reasons[0]).toBe("adding action-92 needs a live rig; rig task expired on 2026-11-22");
    // The clips must all come from that rig: action-0 was made on rig-knight.
    expect(actions(p)).toMatchObject({ "knight/animations/action-0": "replace", "knight/animations/action-92": "create" });
    expect(p.summary.credits).toBe(6);
  });
});
