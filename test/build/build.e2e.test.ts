/**
 * `rigup build` end to end: the CLI in-process against a real emulator on
 * 127.0.0.1, real files in a temp dir. What matters is what Meshy was asked to
 * do (POST counts from the emulator's own counters) and what is on disk.
 */
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { writeLockfile } from "../../src/lockfile/write.js";
import { runCli } from "../helpers/cli.js";
import { heroGoblinManifest, tempProject, type TempProject } from "../helpers/project.js";
import { expectTreeMatchesLock, posts } from "../helpers/assert.js";

const MANIFEST = (heroHeight = 1.8, heroActions = "[0, 4]") =>
  heroGoblinManifest({
    heroHeight,
    heroActions,
    goblinActions: "[2, { action_id: 92, name: swing, post_process: { operation_type: change_fps, fps: 60 } }]",
  });

let emulator: Emulator;
let project: TempProject;
let env: Record<string, string>;

afterEach(async () => {
  await emulator.close();
});

const build = (...args: string[]) => runCli(["build", "--yes", ...args], { cwd: project.dir, env });

describe.each([1, 2])("rigup build against the emulator, API v%i", (version) => {
  beforeEach(async () => {
    emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
    project = await tempProject({ "characters.yaml": MANIFEST() });
    await project.model("models/hero.glb", 1.8);
    await project.model("models/goblin.glb", 1.1);
    env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey, MESHY_API_VERSION: String(version) };
  });

  it("builds everything fresh, then a second build sends zero POSTs", async () => {
    const first = await build();
    expect(first.stderr).toContain("Done");
    expect(first.code).toBe(0);
    // 2 rigs + 4 animations, each created exactly once.
    expect(emulator.stats().tasksCreated).toEqual({ rig: 2, animation: 4 });
    expect(Math.max(...Object.values(emulator.stats().tasksByInput))).toBe(1);
    const lock = await readLockfile(join(project.dir, "characters.lock"));
    await expectTreeMatchesLock(project.dir, lock);
    expect(Object.keys(lock.characters.goblin!.animations).sort()).toEqual(["action-2", "swing"]);
    // The change_fps output is named from the manifest, never from the task.
    await stat(join(project.dir, "out/goblin/animations/swing.60fps.fbx"));

    const before = posts(emulator.stats());
    const second = await build();
    expect(second.code).toBe(0);
    expect(posts(emulator.stats())).toBe(before);
    expect(second.stderr).toContain("No changes");
  });

  it("adding one action sends exactly one POST", async () => {
    expect((await build()).code).toBe(0);
    const before = posts(emulator.stats());
    await project.write("characters.yaml", MANIFEST(1.8, "[0, 4, 8]"));
    const run = await build();
    expect(run.code).toBe(0);
    expect(posts(emulator.stats()) - before).toBe(1);
    await stat(join(project.dir, "out/hero/animations/action-8.glb"));
  });

  it("changing a height re-rigs and re-animates that character only", async () => {
    expect((await build()).code).toBe(0);
    const lock1 = await readLockfile(join(project.dir, "characters.lock"));
    const before = { ...emulator.stats().tasksCreated };
    await project.write("characters.yaml", MANIFEST(1.9));
    const run = await build();
    expect(run.code).toBe(0);
    const after = emulator.stats().tasksCreated;
    expect(after.rig - before.rig).toBe(1);
    expect(after.animation - before.animation).toBe(2);
    const lock2 = await readLockfile(join(project.dir, "characters.lock"));
    expect(lock2.characters.hero!.rig!.task_id).not.toBe(lock1.characters.hero!.rig!.task_id);
    // Every clip of the character is on the new rig; the old rig id is kept in history.
    for (const a of Object.values(lock2.characters.hero!.animations)) expect(a.rig_task_id).toBe(lock2.characters.hero!.rig!.task_id);
    expect(lock2.characters.hero!.rig!.history?.map((h) => h.task_id)).toContain(lock1.characters.hero!.rig!.task_id);
    expect(lock2.characters.goblin).toEqual(lock1.characters.goblin);
    await expectTreeMatchesLock(project.dir, lock2);
  });

  it("an expired rig plus a new action re-rigs and re-makes all that character's clips", async () => {
    expect((await build()).code).toBe(0);
    // Both sides see the rig expired: Meshy's clock moves past its retention,
    // and the lockfile's expires_at (what rigup plans with) is in the past.
    emulator.advanceClock(61 * 24 * 3600 * 1000);
    const lockPath = join(project.dir, "characters.lock");
    const expired = await readLockfile(lockPath);
    expired.characters.hero!.rig!.expires_at = Date.now() - 1000;
    await writeLockfile(lockPath, expired);
    // The expired rig alone, with every file present, is up to date.
    const quiet = await runCli(["plan", "--detailed-exitcode"], { cwd: project.dir, env });
    expect(quiet.code).toBe(0);
    const before = { ...emulator.stats().tasksCreated };
    await project.write("characters.yaml", MANIFEST(1.8, "[0, 4, 8]"));
    const run = await build();
    expect(run.code).toBe(0);
    const after = emulator.stats().tasksCreated;
    expect(after.rig - before.rig).toBe(1);
    expect(after.animation - before.animation).toBe(3);
    const lock = await readLockfile(join(project.dir, "characters.lock"));
    await expectTreeMatchesLock(project.dir, lock);
  });

  it("a deleted output file is downloaded again for free", async () => {
    expect((await build()).code).toBe(0);
    const file = join(project.dir, "out/hero/animations/action-4.glb");
    const bytes = await readFile(file);
    await rm(file);
    const before = posts(emulator.stats());
    const run = await build();
    expect(run.code).toBe(0);
    expect(posts(emulator.stats())).toBe(before);
    expect(await readFile(file)).toEqual(bytes);
  });

  it("--json prints only NDJSON events on stdout", async () => {
    const run = await build("--json");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    const events = lines.map((l) => JSON.parse(l) as { type: string });
    expect(events[0]!.type).toBe("plan");
    expect(events.at(-1)!.type).toBe("run:done");
    expect(events.filter((e) => e.type === "task:created")).toHaveLength(6);
  });

  it("never puts the API key in the lockfile or the output", async () => {
    const run = await build();
    const lockText = await readFile(join(project.dir, "characters.lock"), "utf8");
    for (const text of [lockText, run.stdout, run.stderr]) {
      expect(text).not.toContain(emulator.apiKey);
      expect(text).not.toMatch(/Expires=|Signature=/);
    }
  });
});
