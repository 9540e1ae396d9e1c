/**
 * Issue 10, item 2: `rigup build` carries out the plan it shows, prunes included
 * (only inside the output folder), and pruning never forgets a paid id: a character
 * added back while its tasks live is a free re-download.
 */
import { access, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { taskIdsOf } from "../../src/lockfile/units.js";
import { heroGoblinManifest, tempProject } from "../helpers/project.js";
import { rigup } from "../helpers/spawn.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

it("a removed character is pruned by build, check passes after, and adding it back costs nothing", { timeout: 90_000 }, async () => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  const project = await tempProject({ "characters.yaml": heroGoblinManifest() });
  await project.model("models/hero.glb");
  await project.model("models/goblin.glb", 1.1);
  await project.write("out/README.md", "the team's own notes\n");
  const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
  expect((await rigup(["build", "--yes"], { cwd: project.dir, env })).code).toBe(0);
  const paid = taskIdsOf(await readLockfile(join(project.dir, "characters.lock")));
  const created = emulator.stats().tasksCreated;

  await project.write("characters.yaml", heroGoblinManifest({ goblinActions: false }));
  const pruning = await rigup(["build", "--yes"], { cwd: project.dir, env });
  expect(pruning.code, pruning.stderr).toBe(0);
  expect(pruning.stderr).toMatch(/- goblin\/rig/);
  await expect(access(join(project.dir, "out/goblin"))).rejects.toThrow();
  await access(join(project.dir, "out/README.md"));
  expect((await readdir(join(project.dir, "out/hero/rig"))).length).toBeGreaterThan(0);
  const check = await rigup(["check"], { cwd: project.dir, env });
  expect(check.code, check.stderr).toBe(0);
  // Retired, not forgotten: every id paid for is still on record.
  const lock = await readLockfile(join(project.dir, "characters.lock"));
  expect(lock.characters.goblin!.rig!.state).toBe("retired");
  expect([...paid].filter((id) => !taskIdsOf(lock).has(id))).toEqual([]);

  await project.write("characters.yaml", heroGoblinManifest());
  const plan = await rigup(["plan", "--json"], { cwd: project.dir, env });
  const steps = (JSON.parse(plan.stdout) as { steps: { key: string; action: string; credits: number }[]; summary: { credits: number } })
    .steps;
  expect(steps.filter((s) => s.key.startsWith("goblin/")).map((s) => [s.key, s.action])).toEqual([
    ["goblin/rig", "download"],
    ["goblin/animations/action-2", "download"],
  ]);
  expect(steps.reduce((n, s) => n + s.credits, 0)).toBe(0);
  const back = await rigup(["build", "--yes"], { cwd: project.dir, env });
  expect(back.code, back.stderr).toBe(0);
  expect(emulator.stats().tasksCreated).toEqual(created);
  expect((await rigup(["verify"], { cwd: project.dir, env })).code).toBe(0);
});
