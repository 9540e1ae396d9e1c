/**
 * Issue 11: a lockfile written by the v1-only release (its format, v1 task ids) is
 * continued under v2 against an emulator that holds those tasks: outputs come back
 * free, a new action is made on the v1 rig, no rig is paid for again.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { heroGoblinManifest, tempProject } from "../helpers/project.js";
import { rigup } from "../helpers/spawn.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** The lockfile as the v1-only release wrote it: version 1, no end line, none of the fields added since. */
function asWrittenByV1Release(text: string): string {
  return text
    .replace(`{"lockfile_version":3}`, `{"lockfile_version":1}`)
    .replace(`{"lockfile_end":true}\n`, "")
    .replace(/,"api_version":1|"api_version":1,/g, "")
    .replace(/,"intent_clock":"meshy"|"intent_clock":"meshy",/g, "");
}

it("a v1 lockfile goes on under v2: free re-downloads, a new clip on the v1 rig, 0 rigs paid", { timeout: 120_000 }, async () => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  const project = await tempProject({ "characters.yaml": heroGoblinManifest() });
  await project.model("models/hero.glb");
  await project.model("models/goblin.glb", 1.1);
  const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
  const v1 = await rigup(["build", "--yes", "--api-version", "1"], { cwd: project.dir, env });
  expect(v1.code, v1.stderr).toBe(0);
  const lockFile = join(project.dir, "characters.lock");
  const fixture = asWrittenByV1Release(await readFile(lockFile, "utf8"));
  expect(fixture).not.toMatch(/api_version|intent_clock|lockfile_end/);
  await writeFile(lockFile, fixture);
  const heroRig = (await readLockfile(lockFile)).characters.hero!.rig!.task_id!;
  const created = emulator.stats().tasksCreated;
  const v1RequestsBefore = Object.entries(emulator.stats().requests).filter(([k]) => k.includes("/openapi/v1/"));
  expect(v1RequestsBefore.length).toBeGreaterThan(0);

  await rm(join(project.dir, "out/hero/rig/hero.glb"));
  await rm(join(project.dir, "out/goblin/animations/action-2.fbx"));
  await project.write("characters.yaml", heroGoblinManifest({ heroActions: "[0, 4, 16]" }));
  const v2 = await rigup(["build", "--yes"], { cwd: project.dir, env });
  expect(v2.code, v2.stderr).toBe(0);
  // The v2 run spoke only v2.
  const v1Routes = (requests: Record<string, number>) => Object.entries(requests).filter(([k]) => k.includes("/openapi/v1/"));
  expect(v1Routes(emulator.stats().requests)).toEqual(v1RequestsBefore);
  // Exactly one new task: the clip, made through v2 on the rig made through v1.
  expect(emulator.stats().tasksCreated).toEqual({ rig: created.rig, animation: created.animation + 1 });
  const lock = await readLockfile(lockFile);
  expect(lock.characters.hero!.rig!.task_id).toBe(heroRig);
  expect(lock.characters.hero!.animations["action-16"]).toMatchObject({ rig_task_id: heroRig, api_version: 2, state: "succeeded" });
  expect(await readFile(lockFile, "utf8")).toMatch(/^\{"lockfile_end":true\}$/m);
  expect((await rigup(["verify"], { cwd: project.dir, env })).code).toBe(0);
});
