/** The animation library rigup ships, and the built-in emulator serves: Meshy's real catalogue, not a made-up one. */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { actionName, SNAPSHOT, SnapshotSchema } from "../../src/actions/snapshot.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { call, createRig, useEmulator } from "../emulator/harness.js";

// Rows of https://docs.meshy.ai/api/animation-library, and its example (92, "Double Combo Attack").
const KNOWN = [
  [0, "Idle", "DailyActions", "Idle"],
  [1, "Walking_Woman", "WalkAndRun", "Walking"],
  [2, "Alert", "DailyActions", "LookingAround"],
  [4, "Attack", "Fighting", "AttackingwithWeapon"],
  [8, "Dead", "Fighting", "Dying"],
  [16, "RunFast", "WalkAndRun", "Running"],
  [92, "Double_Combo_Attack", "Fighting", "AttackingwithWeapon"],
  [99, "Reaping_Swing", "Fighting", "Transitioning"],
  [466, "Regular_Jump", "BodyMovements", "Jumping"],
  [696, "Walk_with_Walker_Support_inplace", "WalkAndRun", "Walking"],
] as const;

describe("the shipped snapshot", () => {
  it("is the whole library: valid, dated, ids unique and ascending, about 680 actions over 0..~700 with gaps", () => {
    expect(SnapshotSchema.parse(SNAPSHOT)).toEqual(SNAPSHOT);
    expect(SNAPSHOT.complete).toBe(true);
    expect(SNAPSHOT.taken).toBe("2026-12-03");
    const ids = SNAPSHOT.actions.map((a) => a.action_id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(678);
    expect(ids.at(-1)).toBe(696);
    for (const gap of [332, 373, 374, 380, 600]) expect(ids).not.toContain(gap);
  });

  it("holds Meshy's ids, names and categories", () => {
    for (const [action_id, name, category, sub_category] of KNOWN) {
      expect(SNAPSHOT.actions.find((a) => a.action_id === action_id)).toEqual({ action_id, name, category, sub_category });
      expect(actionName(action_id)).toBe(name);
    }
    expect(actionName(99999)).toBeUndefined();
    // Sub-category names repeat across categories: only the pair says which.
    expect(new Set(SNAPSHOT.actions.filter((a) => a.sub_category === "Transitioning").map((a) => a.category))).toEqual(
      new Set(["DailyActions", "Fighting"]),
    );
  });
});

describe("the emulator's library", () => {
  it("serves the real catalogue: every id, name and category of the snapshot", async () => {
    const emu = await useEmulator();
    const all = (await call(emu, "GET", "/openapi/v1/animations/library")).json as {
      action_id: number;
      name: string;
      category: string;
      sub_category: string;
    }[];
    expect(all.map(({ action_id, name, category, sub_category }) => ({ action_id, name, category, sub_category }))).toEqual(
      SNAPSHOT.actions,
    );
    for (const [action_id, name] of KNOWN) expect(all.find((a) => a.action_id === action_id)?.name).toBe(name);
  });

  it("animates any real id and refuses an unknown one as the service does (400 Invalid action_id)", async () => {
    const emu = await useEmulator();
    const rig = await createRig(emu);
    for (const action_id of [466, 696])
      expect((await call(emu, "POST", "/openapi/v1/animations", { rig_task_id: rig, action_id })).status).toBe(202);
    for (const action_id of [332, 99999]) {
      const refused = await call(emu, "POST", "/openapi/v1/animations", { rig_task_id: rig, action_id });
      expect(refused.status).toBe(400);
      expect(refused.json.message).toMatch(/Invalid action_id/);
    }
    expect(emu.stats().tasksCreated.animation).toBe(2);
  });

  it("`rigup build --emulator` makes a real action the old 20-action list did not have", async () => {
    const project = await tempProject({ "characters.yaml": "version: 1\ncharacters:\n  hero:\n    model: hero.glb\n    actions: [466]\n" });
    await project.model("hero.glb");
    const r = await runCli(["build", "--emulator"], { cwd: project.dir });
    expect(r.code, r.stderr).toBe(0);
    await expect(stat(join(project.dir, "out/hero/animations/action-466.glb"))).resolves.toBeTruthy();
  }, 60_000);
});
