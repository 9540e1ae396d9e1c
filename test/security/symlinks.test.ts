/**
 * A symlinked folder in the output tree must never carry rigup's writes out of
 * it (as root, `out/knight -> /etc` put 15 files into /etc). A build refuses such
 * a tree before it spends anything, and every write checks again, so a folder
 * swapped for a symlink mid-run gets nothing either.
 */
import { mkdir, readdir, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { posts } from "../helpers/assert.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { spawnRigup } from "../helpers/spawn.js";

let emulator: Emulator;
afterEach(async () => {
  await emulator.close();
});

/** A one-character game, and a folder outside it where `out/hero` may lead. */
async function game() {
  const project = await tempProject({
    "characters.yaml": "version: 1\ncharacters:\n  hero:\n    model: models/hero.glb\n    actions: [0]\n",
  });
  await project.model("models/hero.glb");
  const outside = (await tempProject()).dir;
  return { project, outside, env: { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey } };
}

it("refuses a build whose output tree has a symlink leading outside, before creating any task", async () => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  const { project, outside, env } = await game();
  await mkdir(join(project.dir, "out"));
  await symlink(outside, join(project.dir, "out/hero"));

  const run = await spawnRigup(["build", "--yes"], { cwd: project.dir, env });
  expect(run.code, run.stderr).toBe(3);
  expect(run.stderr).toContain(join(project.dir, "out/hero"));
  expect(run.stderr).toMatch(/leads outside the output folder/);
  expect(emulator.stats().tasksCreated).toEqual({ rig: 0, animation: 0 });
  expect(posts(emulator.stats())).toBe(0);
  expect(await readdir(outside)).toEqual([]);
});

it("refuses every write through a folder swapped for a symlink while the task runs", async () => {
  emulator = await startEmulator({ speed: "instant", rigMs: 1500, animationMs: 0, rateLimit: 0 });
  const { project, outside, env } = await game();
  const running = runCli(["build", "--yes"], { cwd: project.dir, env });
  // The pre-spend check has passed once the rig exists; swap the folder in before it finishes.
  for (let i = 0; i < 500 && emulator.stats().tasksCreated.rig === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(emulator.stats().tasksCreated.rig).toBe(1);
  // The build may already have made the folder (to check it is writable): swap it.
  await rm(join(project.dir, "out/hero"), { recursive: true, force: true });
  await mkdir(join(project.dir, "out"), { recursive: true });
  await symlink(outside, join(project.dir, "out/hero"));

  const run = await running;
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr).toMatch(/refusing to write .*outside the output folder/);
  expect(await readdir(outside, { recursive: true })).toEqual([]);
});
