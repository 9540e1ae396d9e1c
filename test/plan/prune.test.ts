/** Rule 12: what the manifest no longer wants. */
import { describe, expect, it } from "vitest";
import { REMOVED_REASON, STRAY_REASON } from "../../src/plan/prune-rules.js";
import { given, step } from "./given.js";

const built = () =>
  given()
    .character("knight", { actions: [0, 4] })
    .character("archer", { actions: [0] })
    .locked();

describe("rule 12: prune", () => {
  it("prunes a removed character's units with their recorded files, after every other step", () => {
    const p = built().remove("archer").plan();
    expect(p.steps.map((s) => s.key).slice(-2)).toEqual(["archer/animations/action-0", "archer/rig"]);
    expect(step(p, "archer/animations/action-0")).toMatchObject({
      action: "prune",
      kind: "animation",
      name: "action-0",
      credits: 0,
      reasons: [REMOVED_REASON],
      paths: ["archer/animations/action-0.fbx", "archer/animations/action-0.glb"],
    });
    expect(step(p, "archer/rig").paths).toHaveLength(8);
    expect(p.summary.prune).toBe(2);
  });

  it("prunes a removed action only", () => {
    const p = built()
      .character("knight", { actions: [0] })
      .plan();
    expect(p.steps.filter((s) => s.action !== "noop").map((s) => [s.key, s.paths])).toEqual([
      ["knight/animations/action-4", ["knight/animations/action-4.fbx", "knight/animations/action-4.glb"]],
    ]);
  });

  it("prunes stray files in character folders, never other files", () => {
    const p = built()
      .output("knight/animations/old.glb")
      .output("knight/rig/knight.glb.tmp")
      .output("ghost/rig/ghost.glb")
      .output("README.md")
      .output("knight/notes/todo.txt")
      .output("knight/animations/deep/x.glb")
      .output(".hidden/rig/x.glb")
      .plan();
    expect(p.steps.filter((s) => s.action === "prune").map((s) => [s.key, s.paths, s.reasons])).toEqual([
      ["ghost/stray", ["ghost/rig/ghost.glb"], [STRAY_REASON]],
      ["knight/stray", ["knight/animations/old.glb", "knight/rig/knight.glb.tmp"], [STRAY_REASON]],
    ]);
  });

  it("prunes files of a format no longer wanted", () => {
    const p = built().formats(["glb"]).plan();
    expect(step(p, "archer/stray").paths).toEqual([
      "archer/animations/action-0.fbx",
      "archer/rig/archer.fbx",
      "archer/rig/running.fbx",
      "archer/rig/walking.fbx",
    ]);
    expect(p.steps.filter((s) => s.action !== "noop").map((s) => s.key)).toEqual(["archer/stray", "knight/stray"]);
  });

  it("prunes the old post-processed file when its name changes", () => {
    const g = given()
      .character("knight", { actions: [{ actionId: 4, postProcess: { operation_type: "change_fps", fps: 30 } }] })
      .locked();
    const p = g.character("knight", { actions: [{ actionId: 4, postProcess: { operation_type: "change_fps", fps: 60 } }] }).plan();
    expect(step(p, "knight/animations/action-4").action).toBe("replace");
    expect(step(p, "knight/stray").paths).toEqual(["knight/animations/action-4.30fps.fbx"]);
  });
});
