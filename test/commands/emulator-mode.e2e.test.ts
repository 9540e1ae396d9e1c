/**
 * Issue 10, item 1: task ids are only meaningful where they were made. `--emulator`
 * runs keep working one after another (its tasks persist in .rigup/), a real build
 * never takes an emulator task for a real one, and status says which outputs are
 * placeholders.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { tempProject } from "../helpers/project.js";
import { rigup, startRigup } from "../helpers/spawn.js";

let standIn: Emulator | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

const manifest = (actions: string) => `version: 1\ncharacters:\n  hero: { model: models/hero.glb, actions: ${actions} }\n`;

it("--emulator runs build on each other, and a real build re-makes every placeholder", { timeout: 180_000 }, async () => {
  const project = await tempProject({ "characters.yaml": manifest("[0]") });
  await project.model("models/hero.glb");
  const lockFile = join(project.dir, "characters.lock");
  const noKey = { MESHY_API_KEY: undefined, MESHY_API_BASE: undefined };
  const run = async (...args: string[]) => rigup(args, { cwd: project.dir, env: noKey, timeoutMs: 90_000 });

  expect((await run("build", "--emulator")).code).toBe(0);
  const first = await readLockfile(lockFile);
  const rigId = first.characters.hero!.rig!.task_id!;
  expect(first.characters.hero!.rig!.made_by).toBe("emulator");
  expect((await run("check")).code).toBe(0);
  expect((await run("status")).stderr).toMatch(/hero .*\[emulator placeholders: 2 units/);

  // Adding an action: the clip is made on the same (persisted) emulator rig.
  await project.write("characters.yaml", manifest("[0, 4]"));
  const added = await run("build", "--emulator");
  expect(added.code, added.stderr).toBe(0);
  expect((await readLockfile(lockFile)).characters.hero!.animations["action-4"]).toMatchObject({ rig_task_id: rigId, made_by: "emulator" });

  // A deleted output is fetched again from the emulator task.
  await rm(join(project.dir, "out/hero/rig/hero.glb"));
  const redownload = await run("build", "--emulator");
  expect(redownload.code, redownload.stderr).toBe(0);
  expect((await readLockfile(lockFile)).characters.hero!.rig!.task_id).toBe(rigId);

  // An interrupted run: killed once a new clip's task exists; the next run picks it up.
  await project.write("characters.yaml", manifest("[0, 4, 8]"));
  const { child, ended } = startRigup(["build", "--emulator"], { cwd: project.dir, env: noKey });
  for (let i = 0; i < 3_000; i++) {
    if ((await readFile(lockFile, "utf8")).includes(`"name":"action-8"`)) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill("SIGKILL");
  await ended;
  const resumed = await run("build", "--emulator");
  expect(resumed.code, resumed.stderr).toBe(0);
  expect((await run("check")).code).toBe(0);

  // For real: every unit is a placeholder, so every unit is re-made, and the plan says why.
  const plan = await run("plan", "--json");
  const steps = (JSON.parse(plan.stdout) as { steps: { key: string; action: string; reasons: string[] }[] }).steps;
  expect(steps.map((s) => s.action)).toEqual(["replace", "replace", "replace", "replace"]);
  expect(steps[0]!.reasons.join(" ")).toMatch(/made by the built-in emulator/);
  standIn = await startEmulator({ speed: "instant", rateLimit: 0 });
  const real = { MESHY_API_BASE: standIn.url, MESHY_API_KEY: standIn.apiKey };
  const build = await rigup(["build", "--yes"], { cwd: project.dir, env: real });
  expect(build.code, build.stderr).toBe(0);
  expect(build.stderr).not.toMatch(/No changes/);
  expect(standIn.stats().tasksCreated).toEqual({ rig: 1, animation: 3 });
  const lock = await readLockfile(lockFile);
  expect(lock.characters.hero!.rig!.made_by).toBeUndefined();
  expect(lock.characters.hero!.rig!.history?.[0]).toMatchObject({ task_id: rigId, made_by: "emulator" });

  // And --emulator will not put placeholders over what Meshy made.
  await project.write("characters.yaml", manifest("[0, 4, 8, 16]"));
  const refused = await run("build", "--emulator");
  expect(refused.code).toBe(5);
  expect(refused.stderr).toMatch(/placeholder outputs in place of what Meshy made/);
  expect(refused.stderr).toMatch(/hero\/animations\/action-16/);
});
