/**
 * `rigup build --frozen`, the CI build (like `npm ci`): the lockfile must already
 * describe every unit. Downloads are free and allowed; a paid task never is.
 * In-process CLI against a real emulator on 127.0.0.1, real files.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { EXIT } from "../../src/diagnostics/errors.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { writeLockfile } from "../../src/lockfile/write.js";
import type { Plan } from "../../src/plan/types.js";
import { runCli } from "../helpers/cli.js";
import { heroGoblinManifest, tempProject, type TempProject } from "../helpers/project.js";
import { expectTreeMatchesLock, posts } from "../helpers/assert.js";

const MANIFEST = (heroHeight = 1.8, heroActions = "[0, 4]") => heroGoblinManifest({ heroHeight, heroActions });

let emulator: Emulator;
let project: TempProject;
let env: Record<string, string>;
let lockPath: string;

beforeEach(async () => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  project = await tempProject({ "characters.yaml": MANIFEST() });
  await project.model("models/hero.glb", 1.8);
  await project.model("models/goblin.glb", 1.1);
  env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
  lockPath = join(project.dir, "characters.lock");
  // The developer's machine: a normal build that pays, whose lockfile is committed.
  const first = await runCli(["build", "--yes"], { cwd: project.dir, env });
  expect(first.code, first.stderr).toBe(0);
});
afterEach(async () => {
  await emulator.close();
});

// No --yes: CI (the helper sets CI=true) with --frozen must never need consent.
const frozen = () => runCli(["build", "--frozen"], { cwd: project.dir, env });

describe("rigup build --frozen", () => {
  it("on a fully locked project with its outputs deleted, downloads everything and sends 0 POSTs", async () => {
    await rm(join(project.dir, "out"), { recursive: true });
    const lockBefore = await readFile(lockPath, "utf8");
    const before = posts(emulator.stats());

    const run = await frozen();

    expect(run.code, run.stderr).toBe(EXIT.OK);
    expect(posts(emulator.stats())).toBe(before);
    const lock = await readLockfile(lockPath);
    // 2 rigs + 3 clips, every recorded file back with its recorded hash.
    expect(await expectTreeMatchesLock(project.dir, lock)).toBeGreaterThanOrEqual(5);
    // Same tasks, same files: the lockfile a CI run leaves is the committed one.
    expect(await readFile(lockPath, "utf8")).toBe(lockBefore);
  });

  it("with a new action, refuses (exit 5), lists the unit, sends 0 POSTs and leaves the lockfile byte for byte", async () => {
    await project.write("characters.yaml", MANIFEST(1.8, "[0, 4, 8]"));
    const lockBefore = await readFile(lockPath, "utf8");
    const before = posts(emulator.stats());

    const run = await frozen();

    expect(run.code).toBe(EXIT.REFUSED);
    expect(run.stderr).toContain("Error: --frozen: the lockfile does not cover 1 unit(s) of the manifest; nothing was sent.");
    expect(run.stderr).toMatch(/^ {2}\+ hero\/animations\/action-8: /m);
    expect(posts(emulator.stats())).toBe(before);
    expect(await readFile(lockPath, "utf8")).toBe(lockBefore);
  });

  it("with a changed input, lists the re-rig and every clip it re-makes as replacements", async () => {
    await project.write("characters.yaml", MANIFEST(1.9));
    const lockBefore = await readFile(lockPath, "utf8");
    const before = posts(emulator.stats());

    const run = await frozen();

    expect(run.code).toBe(EXIT.REFUSED);
    expect(run.stderr).toContain("does not cover 3 unit(s)");
    for (const key of ["hero/rig", "hero/animations/action-0", "hero/animations/action-4"]) {
      expect(run.stderr).toContain(`  -/+ ${key}: `);
    }
    expect(run.stderr).not.toContain("goblin/");
    expect(posts(emulator.stats())).toBe(before);
    expect(await readFile(lockPath, "utf8")).toBe(lockBefore);
  });

  it("a lost create that never happened is blocked, not re-sent (the one way a free plan could turn paid)", async () => {
    // A run was killed right after journalling its intent for a new clip, before the POST.
    await project.write("characters.yaml", MANIFEST(1.8, "[0, 4, 8]"));
    const planned = await runCli(["plan", "--json"], { cwd: project.dir, env });
    const step = (JSON.parse(planned.stdout) as Plan).steps.find((s) => s.key === "hero/animations/action-8")!;
    const lock = await readLockfile(lockPath);
    const hero = lock.characters.hero!;
    hero.animations["action-8"] = {
      state: "intent",
      digest: step.digest!,
      inputs: step.inputs as { action_id: number; post_process: null },
      intent_at: Date.now(),
      rig_task_id: hero.rig!.task_id!,
      files: {},
    };
    await writeLockfile(lockPath, lock);
    const reconcile = await runCli(["plan", "--json"], { cwd: project.dir, env });
    expect((JSON.parse(reconcile.stdout) as Plan).steps.find((s) => s.key === step.key)?.action).toBe("reconcile");
    const before = posts(emulator.stats());

    const run = await frozen();

    // Meshy's task list proves nothing was created; without --frozen this would POST now.
    expect(run.code).toBe(EXIT.FAILURE);
    expect(run.stderr).toContain("--frozen: this needs a new paid task; nothing was sent");
    expect(posts(emulator.stats())).toBe(before);
    expect(emulator.stats().tasksCreated).toEqual({ rig: 2, animation: 3 });
    expect((await readLockfile(lockPath)).characters.hero!.animations["action-8"]?.task_id).toBeUndefined();
  });
});
