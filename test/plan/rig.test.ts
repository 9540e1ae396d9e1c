/** Rules 1, 2, 3, 4, 13 and the expiry warnings. */
import { describe, expect, it } from "vitest";
import { NEW_RIG_REASON } from "../../src/plan/animation.js";
import { plan } from "../../src/plan/plan.js";
import { actions, DAY, given, NOW, step } from "./given.js";

const KNIGHT = { actions: [0, 4] };

describe("rule 1: new units are created", () => {
  it("creates the rig (5 credits) and its clips (3 each), clips waiting for the rig", () => {
    const p = given().character("knight", KNIGHT).plan();
    expect(p.steps.map((s) => [s.key, s.action, s.credits, s.dependsOn])).toEqual([
      ["knight/rig", "create", 5, undefined],
      ["knight/animations/action-0", "create", 3, "knight/rig"],
      ["knight/animations/action-4", "create", 3, "knight/rig"],
    ]);
    expect(step(p, "knight/rig").reasons).toEqual(["new character in characters.yaml"]);
    expect(step(p, "knight/rig").missing).toEqual([
      "glb",
      "fbx",
      "walking.glb",
      "walking.fbx",
      "walking.armature.glb",
      "running.glb",
      "running.fbx",
      "running.armature.glb",
    ]);
    expect(p.summary).toMatchObject({ create: 3, credits: 11 });
  });

  it("creates only the new action when the rig is live (no dependency)", () => {
    const p = given()
      .character("knight", KNIGHT)
      .locked()
      .character("knight", { actions: [0, 4, 92] })
      .plan();
    expect(actions(p)).toEqual({
      "knight/rig": "noop",
      "knight/animations/action-0": "noop",
      "knight/animations/action-4": "noop",
      "knight/animations/action-92": "create",
    });
    expect(step(p, "knight/animations/action-92")).toMatchObject({
      credits: 3,
      actionId: 92,
      reasons: ["new action 92 in characters.yaml"],
    });
    expect(step(p, "knight/animations/action-92").dependsOn).toBeUndefined();
  });
});

describe("rule 2: changed rig inputs re-rig and re-make that character's clips only", () => {
  it.each([
    [
      "height",
      given()
        .character("knight", KNIGHT)
        .character("archer", KNIGHT)
        .locked()
        .character("knight", { ...KNIGHT, heightMeters: 1.9 }),
      "height_meters 1.7 → 1.9",
    ],
    [
      "model file content",
      given().character("knight", KNIGHT).character("archer", KNIGHT).locked().inputFile("models/knight.glb", "v2"),
      "source file changed",
    ],
    [
      "model url",
      given()
        .character("knight", { ...KNIGHT, source: { kind: "url", url: "https://a.test/1.glb" } })
        .character("archer", KNIGHT)
        .locked()
        .character("knight", { ...KNIGHT, source: { kind: "url", url: "https://a.test/2.glb" } }),
      "source url changed",
    ],
    [
      "input task",
      given()
        .character("knight", { ...KNIGHT, source: { kind: "task", taskId: "t-1" } })
        .character("archer", KNIGHT)
        .locked()
        .character("knight", { ...KNIGHT, source: { kind: "task", taskId: "t-2" } }),
      "input_task_id t-1 → t-2",
    ],
    [
      "texture",
      given()
        .character("knight", KNIGHT)
        .character("archer", KNIGHT)
        .locked()
        .character("knight", { ...KNIGHT, texture: { kind: "url", url: "https://a.test/t.png" } }),
      "texture added",
    ],
  ])("%s", (_, g, reason) => {
    const p = g.plan();
    const rig = step(p, "knight/rig");
    expect(rig).toMatchObject({ action: "replace", credits: 5 });
    expect(rig.reasons).toContain(reason);
    expect(rig.reasons).toContain("all 2 clips will be re-made (6 credits) so they share one skeleton");
    for (const key of ["knight/animations/action-0", "knight/animations/action-4"]) {
      expect(step(p, key)).toMatchObject({ action: "replace", credits: 3, dependsOn: "knight/rig", reasons: [NEW_RIG_REASON] });
    }
    expect(p.steps.filter((s) => s.character === "archer").map((s) => s.action)).toEqual(["noop", "noop", "noop"]);
    expect(p.summary.credits).toBe(11);
  });

  it("creates (not replaces) a clip that had no entry yet", () => {
    const p = given()
      .character("knight", KNIGHT)
      .locked()
      .character("knight", { actions: [0, 4, 92], heightMeters: 2 })
      .plan();
    expect(step(p, "knight/animations/action-92")).toMatchObject({ action: "create", dependsOn: "knight/rig" });
  });
});

describe("rule 3: expired rig", () => {
  const expired = () =>
    given()
      .character("knight", KNIGHT)
      .locked()
      .rig("knight", { expires_at: NOW - DAY });

  it("with all outputs present is a noop, and no warning: Meshy keeps rigs 3 days, so this is where rigs live", () => {
    const p = expired().plan();
    expect(p.steps.every((s) => s.action === "noop")).toBe(true);
    expect(p.summary.credits).toBe(0);
    expect(p.warnings).toEqual([]);
  });

  it("with an output missing re-rigs (paid) and re-makes every clip", () => {
    const p = expired().deleted("knight/rig/walking.glb").plan();
    const rig = step(p, "knight/rig");
    expect(rig).toMatchObject({ action: "replace", credits: 5 });
    expect(rig.reasons[0]).toBe("rig task rig-knight expired on 2026-11-22 and files are missing");
    expect(rig.reasons).toContain("knight/rig/walking.glb missing");
    expect(step(p, "knight/animations/action-4")).toMatchObject({ action: "replace", dependsOn: "knight/rig" });
    expect(p.summary.credits).toBe(11);
    expect(p.warnings).toEqual([]);
  });
});

describe("rule 4: a clip that needs a paid task on an expired rig forces a re-rig", () => {
  const expired = () =>
    given()
      .character("knight", { actions: [0, 4, 8] })
      .locked()
      .rig("knight", { expires_at: Date.UTC(2026, 9, 1) });

  it("adding an action re-rigs and re-makes all clips, saying why and what it costs", () => {
    const p = expired()
      .character("knight", { actions: [0, 4, 8, 92] })
      .plan();
    expect(step(p, "knight/rig")).toMatchObject({
      action: "replace",
      credits: 5,
      reasons: [
        "adding action-92 needs a live rig; rig task expired on 2026-10-01; re-rigging (5 credits) and re-making all 4 clips (12 credits) so they share one skeleton",
      ],
    });
    expect(actions(p)).toEqual({
      "knight/rig": "replace",
      "knight/animations/action-0": "replace",
      "knight/animations/action-4": "replace",
      "knight/animations/action-8": "replace",
      "knight/animations/action-92": "create",
    });
    expect(p.steps.slice(1).every((s) => s.dependsOn === "knight/rig")).toBe(true);
    expect(p.summary.credits).toBe(17);
    expect(p.warnings).toEqual([]);
  });

  it.each([
    [
      "a changed post-process",
      (g: ReturnType<typeof expired>) =>
        g.character("knight", { actions: [0, { actionId: 4, postProcess: { operation_type: "fbx2usdz" } }, 8] }),
    ],
    [
      "a failed clip",
      (g: ReturnType<typeof expired>) => g.clip("knight", "action-4", { state: "failed", error: { code: "x", message: "boom" } }),
    ],
    [
      "an expired clip with files missing",
      (g: ReturnType<typeof expired>) => g.clip("knight", "action-4", { expires_at: NOW - DAY }).deleted("knight/animations/action-4.glb"),
    ],
  ])("re-making for %s", (_, change) => {
    const p = change(expired()).plan();
    expect(step(p, "knight/rig").reasons[0]).toMatch(
      /^re-making action-4 needs a live rig; rig task expired on 2026-10-01; re-rigging \(5 credits\) and re-making all 3 clips \(9 credits\)/,
    );
    expect(p.summary).toMatchObject({ replace: 4, credits: 14 });
  });

  it("a free download of a live clip does not need the rig", () => {
    const p = expired().deleted("knight/animations/action-4.fbx").plan();
    expect(actions(p)).toMatchObject({ "knight/rig": "noop", "knight/animations/action-4": "download" });
    expect(p.summary.credits).toBe(0);
  });
});

describe("rule 13 and formats", () => {
  it("downloads a newly wanted format from live tasks", () => {
    const p = given()
      .formats(["glb"])
      .character("knight", { actions: [0] })
      .locked()
      .formats(["glb", "fbx"])
      .plan();
    expect(step(p, "knight/rig")).toMatchObject({
      action: "download",
      credits: 0,
      missing: ["fbx", "walking.fbx", "running.fbx"],
      taskId: "rig-knight",
    });
    expect(step(p, "knight/animations/action-0")).toMatchObject({ action: "download", missing: ["fbx"] });
  });

  it("re-makes an expired rig that never had the newly wanted format", () => {
    const p = given()
      .formats(["glb"])
      .character("knight", { actions: [0] })
      .locked()
      .rig("knight", { expires_at: NOW - DAY })
      .formats(["glb", "fbx"])
      .plan();
    expect(step(p, "knight/rig")).toMatchObject({ action: "replace", credits: 5 });
    expect(step(p, "knight/rig").reasons).toContain("knight/rig/knight.fbx missing");
    expect(step(p, "knight/animations/action-0").action).toBe("replace");
  });

  it("does not count roles the service did not offer as missing", () => {
    const g = given().character("knight").locked();
    delete g.lock.characters.knight!.rig!.files["running.armature.glb"];
    g.rig("knight", { unavailable: ["running.armature.glb"] });
    expect(step(g.plan(), "knight/rig").action).toBe("noop");
  });
});

describe("expiry warnings", () => {
  it.each([
    [DAY, "rig of knight expires on 2026-11-24 00:00 UTC (in 24 hours): add actions before then or they will need a re-rig"],
    [90 * 60 * 1000, "rig of knight expires on 2026-11-23 01:30 UTC (in 2 hours): add actions before then or they will need a re-rig"],
  ])("warns when the rig expires within a day (+%i ms)", (inMs, message) => {
    const p = given()
      .character("knight")
      .locked()
      .rig("knight", { expires_at: NOW + inMs })
      .plan();
    expect(p.warnings).toEqual([{ character: "knight", code: "rig-expiring", message, expiresAt: NOW + inMs }]);
  });

  it("does not warn beyond the window (a rig Meshy keeps 3 days is not warned about from the start), nor when expires_at is unknown (0)", () => {
    for (const inMs of [DAY + 60_000, 3 * DAY]) {
      expect(
        given()
          .character("knight")
          .locked()
          .rig("knight", { expires_at: NOW + inMs })
          .plan().warnings,
      ).toEqual([]);
    }
    const p = given().character("knight").locked().rig("knight", { expires_at: 0 }).plan();
    expect(p.warnings).toEqual([]);
    expect(step(p, "knight/rig").action).toBe("noop");
  });

  it("honours expiryWarningMs", () => {
    const g = given()
      .character("knight")
      .locked()
      .rig("knight", { expires_at: NOW + 2 * DAY });
    expect(g.plan().warnings).toEqual([]);
    expect(plan({ ...g.input(), expiryWarningMs: 3 * DAY }).warnings.map((w) => w.code)).toEqual(["rig-expiring"]);
  });
});

it("rule 4 names at most three clips that need the re-rig", () => {
  const p = given()
    .character("knight", { actions: [0] })
    .locked()
    .rig("knight", { expires_at: NOW - DAY })
    .character("knight", { actions: [0, 1, 2, 3, 4, 5] })
    .plan();
  expect(step(p, "knight/rig").reasons[0]).toMatch(/^adding action-1, adding action-2, adding action-3, 2 more need a live rig;/);
});
