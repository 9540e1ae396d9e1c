/** Rule 12 and the store's restores: the planner, pure, with what the team store holds as facts. */
import { describe, expect, it } from "vitest";
import { plan } from "../../src/plan/plan.js";
import type { StoreFacts } from "../../src/store/record.js";
import { registryKey, type UnitRecord } from "../../src/store/record.js";
import { actions, DAY, given, NOW, step, type Given } from "./given.js";

/** What the store holds: every locked output of `g` (or none), and these unit records. */
function storeOf(g: Given, { objects = true, records = [] as UnitRecord[] } = {}): StoreFacts {
  const shas = Object.values(g.lock.characters).flatMap((c) =>
    [c.rig!, ...Object.values(c.animations)].flatMap((e) => Object.values(e.files).map((f) => f.sha256)),
  );
  const units = new Map<string, UnitRecord | null>();
  for (const r of records) units.set(registryKey({ kind: r.kind, digest: r.digest, rigTaskId: r.rig_task_id, target: "meshy" }), r);
  return { objects: new Map(shas.map((s) => [s, objects])), units };
}

/** The locked units of `g` as the registry records them (another machine built them). */
function recordsOf(g: Given): UnitRecord[] {
  return Object.values(g.lock.characters).flatMap((c) =>
    [c.rig!, ...Object.values(c.animations)].map((e) => ({
      rigup_unit: 1 as const,
      kind: "rig_task_id" in e && e.rig_task_id ? ("animation" as const) : ("rig" as const),
      digest: e.digest,
      ...("rig_task_id" in e && e.rig_task_id ? { rig_task_id: e.rig_task_id } : {}),
      task_id: e.task_id!,
      expires_at: e.expires_at,
      files: Object.fromEntries(Object.entries(e.files).map(([role, f]) => [role, { size: f.size, sha256: f.sha256 }])),
      recorded_by: "ci-7",
      recorded_at: NOW - DAY,
    })),
  );
}

describe("restore from the team store", () => {
  it("an expired task whose files are missing here is restored from the store, free, not re-made", () => {
    const g = given()
      .character("knight", { actions: [0] })
      .locked()
      .at(NOW + 40 * DAY)
      .deleted("knight/rig/knight.glb")
      .deleted("knight/animations/action-0.glb");
    const store = storeOf(g);
    const p = plan({ ...g.input(), facts: { ...g.facts, store }, target: "meshy" });
    expect(actions(p)).toEqual({ "knight/rig": "restore", "knight/animations/action-0": "restore" });
    expect(step(p, "knight/rig")).toMatchObject({ credits: 0, missing: ["glb"] });
    expect(p.summary).toMatchObject({ restore: 2, credits: 0 });
    expect(p.storeQuestions).toBeUndefined();
    // Without the store the same tree costs a re-rig and a clip.
    expect(actions(g.plan())).toEqual({ "knight/rig": "replace", "knight/animations/action-0": "replace" });
  });

  it("is chosen before a free download from a live task (the store needs no key)", () => {
    const g = given()
      .character("knight", { actions: [0] })
      .locked()
      .deleted("knight/rig/knight.glb");
    const p = plan({ ...g.input(), facts: { ...g.facts, store: storeOf(g) } });
    expect(step(p, "knight/rig").action).toBe("restore");
  });

  it("asks about what it does not know, and plans as without a store meanwhile", () => {
    const g = given()
      .character("knight", { actions: [0] })
      .locked()
      .deleted("knight/rig/knight.glb");
    const p = plan({ ...g.input(), facts: { ...g.facts, store: { objects: new Map(), units: new Map() } } });
    expect(step(p, "knight/rig").action).toBe("download");
    expect(p.storeQuestions?.objects).toEqual([g.lock.characters.knight!.rig!.files.glb!.sha256]);
  });

  it("a store without the bytes changes nothing", () => {
    const g = given()
      .character("knight", { actions: [0] })
      .locked()
      .deleted("knight/rig/knight.glb");
    const p = plan({ ...g.input(), facts: { ...g.facts, store: storeOf(g, { objects: false }) } });
    expect(step(p, "knight/rig").action).toBe("download");
    expect(p.storeQuestions).toBeUndefined();
  });
});

describe("rule 12: adopt what the team already paid for", () => {
  /** ci-7 built knight; this branch's lockfile has never heard of it. */
  function teammateBuilt() {
    const theirs = given()
      .character("knight", { actions: [0, 4] })
      .locked();
    const records = recordsOf(theirs);
    const mine = given().character("knight", { actions: [0, 4] });
    return { records, mine, theirs };
  }

  it("a new character the registry has is restored for 0 credits, its clips waiting for the adopted rig", () => {
    const { records, mine } = teammateBuilt();
    const store = storeOf(mine, { records });
    const p = plan({ ...mine.input(), facts: { ...mine.facts, store }, target: "meshy" });
    expect(actions(p)).toEqual({
      "knight/rig": "restore",
      "knight/animations/action-0": "restore",
      "knight/animations/action-4": "restore",
    });
    expect(p.summary.credits).toBe(0);
    expect(step(p, "knight/rig")).toMatchObject({ taskId: "rig-knight", adopt: { task_id: "rig-knight", recorded_by: "ci-7" } });
    expect(step(p, "knight/animations/action-4")).toMatchObject({ taskId: "anim-knight-action-4", dependsOn: "knight/rig" });
    expect(step(p, "knight/rig").reasons.join(" ")).toMatch(/team already paid for it: task rig-knight, recorded in the store by ci-7/);
  });

  it("asks in rounds: the rig first, then its clips on the rig it found", () => {
    const { records, mine } = teammateBuilt();
    const known = new Map<string, UnitRecord | null>();
    const store: StoreFacts = { objects: new Map(), units: known };
    const first = plan({ ...mine.input(), facts: { ...mine.facts, store }, target: "meshy" });
    expect(first.storeQuestions?.units.map((u) => u.kind)).toEqual(["rig"]);
    const rig = records.find((r) => r.kind === "rig")!;
    known.set(registryKey(first.storeQuestions!.units[0]!), rig);
    const second = plan({ ...mine.input(), facts: { ...mine.facts, store }, target: "meshy" });
    expect(second.storeQuestions?.units).toEqual([
      expect.objectContaining({ kind: "animation", rigTaskId: "rig-knight" }),
      expect.objectContaining({ kind: "animation", rigTaskId: "rig-knight" }),
    ]);
  });

  it("a clip the registry does not have is paid, on the adopted rig", () => {
    const { records, mine } = teammateBuilt();
    mine.character("knight", { actions: [0, 4, 8] });
    const p = plan({ ...mine.input(), facts: { ...mine.facts, store: storeOf(mine, { records }) }, target: "meshy" });
    expect(step(p, "knight/animations/action-8")).toMatchObject({ action: "create", credits: 3, dependsOn: "knight/rig" });
    expect(p.summary.credits).toBe(3);
  });

  it("never for a unit made elsewhere (the emulator's records serve only emulator builds), nor under --replace", () => {
    const { records, mine } = teammateBuilt();
    const store = storeOf(mine, { records });
    expect(plan({ ...mine.input(), facts: { ...mine.facts, store }, target: "emulator" }).summary.restore).toBe(0);
    const replaced = plan({ ...mine.input(), facts: { ...mine.facts, store }, target: "meshy", replace: ["knight"] });
    expect(actions(replaced)["knight/rig"]).toBe("create");
  });

  it("a record missing a role this project wants does not serve", () => {
    const { records, mine } = teammateBuilt();
    for (const r of records) delete r.files.fbx;
    const p = plan({ ...mine.input(), facts: { ...mine.facts, store: storeOf(mine, { records }) }, target: "meshy" });
    expect(step(p, "knight/rig").action).toBe("create");
  });
});
