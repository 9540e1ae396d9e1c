/**
 * The crash test: `rigup build` as a real process, SIGKILLed at many random
 * moments (mid-POST, mid-download, mid-lockfile-write), then run to completion.
 * No kill may cost a second paid task, lose a task id, or leave a broken file.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { taskIdsOf } from "../../src/lockfile/units.js";
import { tempProject } from "../helpers/project.js";
import { startRigup } from "../helpers/spawn.js";
import { expectTreeMatchesLock } from "../helpers/assert.js";
import { createRandom } from "../../src/gltf/random.js";

const MANIFEST = `version: 1
characters:
  hero: { model: models/hero.glb, actions: [0, 4, 8, 16] }
  goblin: { model: models/goblin.glb, height_meters: 1.1, actions: [2, 16, 4] }
  mage: { model: models/mage.glb, actions: [92, 1, 0] }
`;
const UNITS = { rig: 3, animation: 10 };

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
});

/** Starts `rigup build --yes` from source in a child process; `ended` says how it ended. */
const startBuild = (cwd: string, env: Record<string, string>) => startRigup(["build", "--yes"], { cwd, env });

/** Runs a build to its end, SIGKILLing it once `killWhen` turns true (polled every 5 ms). */
async function runBuild(cwd: string, env: Record<string, string>, killWhen?: () => boolean) {
  const { child, ended } = startBuild(cwd, env);
  const timer = killWhen && setInterval(() => killWhen() && child.kill("SIGKILL"), 5);
  try {
    return await ended;
  } finally {
    clearInterval(timer);
  }
}

it("survives SIGKILL at random moments without paying twice", { timeout: 240_000 }, async () => {
  emulator = await startEmulator({ speed: "instant", rigMs: 300, animationMs: 200, rateLimit: 0, faults: { slowDownloadBps: 2_000_000 } });
  const project = await tempProject({ "characters.yaml": MANIFEST });
  await project.model("models/hero.glb");
  await project.model("models/goblin.glb", 1.1);
  await project.model("models/mage.glb", 1.75);
  const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };

  const random = createRandom(20261123);
  const requests = () => Object.values(emulator!.stats().requests).reduce((a, b) => a + b, 0);
  const KILLS = 12;
  const total = UNITS.rig + UNITS.animation;
  let killed = 0;
  let killedMidBuild = 0;
  const everHeld = new Set<string>();
  for (let i = 0; i < KILLS; i++) {
    // Kill after the emulator has received 1-12 more requests, then 0-40 ms more: that lands
    // between a POST reaching Meshy and its answer being journaled, mid-download, mid-write.
    const start = requests();
    const after = 1 + Math.floor(random() * 12);
    const delay = Math.floor(random() * 40);
    let due: number | undefined;
    const run = await runBuild(project.dir, env, () => {
      if (due === undefined && requests() >= start + after) due = Date.now() + delay;
      return due !== undefined && Date.now() >= due;
    });
    const created = emulator.stats().tasksCreated.rig + emulator.stats().tasksCreated.animation;
    if (run.signal === "SIGKILL") {
      killed++;
      if (created > 0 && created < total) killedMidBuild++;
    } else expect(run.code, run.stderr).toBe(0);
    // Whatever moment it died at, the lockfile on disk parses, and holds every id it ever held.
    const held = taskIdsOf(await readLockfile(join(project.dir, "characters.lock")));
    for (const id of held) everHeld.add(id);
    expect([...everHeld].filter((id) => !held.has(id))).toEqual([]);
  }
  console.log(`kill test: ${killed}/${KILLS} runs killed, ${killedMidBuild} while paid work was under way`);
  expect(killed).toBeGreaterThanOrEqual(KILLS - 2);
  // The kills must land while paid work is under way, not only before or after it.
  expect(killedMidBuild).toBeGreaterThanOrEqual(3);

  const final = await runBuild(project.dir, env);
  expect(final.code, final.stderr).toBe(0);
  const lock = await readLockfile(join(project.dir, "characters.lock"));
  await expectTreeMatchesLock(project.dir, lock);
  expect([...everHeld].filter((id) => !taskIdsOf(lock).has(id))).toEqual([]);
  const stats = emulator.stats();
  expect(stats.tasksCreated).toEqual(UNITS);
  expect(Math.max(...Object.values(stats.tasksByInput))).toBe(1);
  const leftovers = (await readdir(join(project.dir, "out"), { recursive: true })).filter((f) => f.endsWith(".tmp"));
  expect(leftovers).toEqual([]);
});

it.each([
  ["once: stops new submissions, flushes the lockfile, exits 130", 1],
  ["twice: exits at once, still 130, lockfile still valid", 2],
])("Ctrl-C %s", { timeout: 120_000 }, async (_name, times) => {
  emulator = await startEmulator({ speed: "instant", rigMs: 2_000, animationMs: 2_000, rateLimit: 0 });
  const project = await tempProject({ "characters.yaml": MANIFEST });
  await project.model("models/hero.glb");
  await project.model("models/goblin.glb", 1.1);
  await project.model("models/mage.glb", 1.75);
  const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
  const { child, ended } = startBuild(project.dir, env);
  for (let i = 0; i < 3000 && emulator.stats().tasksCreated.rig === 0; i++) await new Promise((r) => setTimeout(r, 10));
  child.kill("SIGINT");
  // Signals are not queued: a second press is a separate delivery, as a person makes it.
  if (times === 2) await new Promise((r) => setTimeout(r, 200));
  if (times === 2) child.kill("SIGINT");
  const sentAt = Date.now();
  const end = await ended;
  expect(end.code).toBe(130);
  // A second Ctrl-C does not wait for the running tasks (2 s each).
  if (times === 2) expect(end.at - sentAt).toBeLessThan(1_000);
  else expect(end.stderr).toContain("stopping: interrupted");
  const lock = await readLockfile(join(project.dir, "characters.lock"));
  const created = emulator.stats().tasksCreated;
  const ids = Object.values(lock.characters)
    .flatMap((c) => [c.rig, ...Object.values(c.animations)])
    .filter((e) => e?.task_id);
  expect(created.rig + created.animation).toBeLessThan(UNITS.rig + UNITS.animation);
  // Every task Meshy created is in the lockfile (the intent is written before the POST, the id right after).
  if (times === 1) expect(ids).toHaveLength(created.rig + created.animation);
  // Either way the next build finishes without paying twice.
  const again = await runBuild(project.dir, env);
  expect(again.code, again.stderr).toBe(0);
  expect(emulator.stats().tasksCreated).toEqual(UNITS);
});
