/**
 * Money rules of `rigup build`: consent, caps, account refusals, Ctrl-C, and
 * the account queue. Each test checks what Meshy was asked (the emulator's
 * counters) and that the lockfile stayed true.
 */
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { runCli } from "../helpers/cli.js";
import { TWO_CHARACTERS, twoCharacterProject, type TempProject } from "../helpers/project.js";
import { expectTreeMatchesLock, posts } from "../helpers/assert.js";
import { plain } from "../tty/screen.js";

const COST = TWO_CHARACTERS.credits;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(options: EmulatorOptions = {}): Promise<{ project: TempProject; env: Record<string, string>; emu: Emulator }> {
  const emu = await startEmulator({ speed: "instant", rateLimit: 0, ...options });
  emulator = emu;
  const project = await twoCharacterProject();
  return { project, emu, env: { MESHY_API_BASE: emu.url, MESHY_API_KEY: emu.apiKey } };
}

const lockExists = (dir: string) =>
  access(join(dir, "characters.lock")).then(
    () => true,
    () => false,
  );

describe("spending needs consent", () => {
  it("without a TTY and without --yes, a paid plan is refused and nothing is sent", async () => {
    const { project, env, emu } = await setup();
    const run = await runCli(["build"], { cwd: project.dir, env });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(`spends up to ${COST} credits`);
    expect(run.stderr).toContain("--yes");
    expect(posts(emu.stats())).toBe(0);
    expect(await lockExists(project.dir)).toBe(false);
  });

  it("--max-credits below the plan's cost refuses before sending anything", async () => {
    const { project, env, emu } = await setup();
    const run = await runCli(["build", "--yes", "--max-credits", String(COST - 1)], { cwd: project.dir, env });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(`may spend ${COST} credits, more than --max-credits ${COST - 1}`);
    expect(posts(emu.stats())).toBe(0);
  });

  it("--max-credits at the plan's cost runs it", async () => {
    const { project, env } = await setup();
    const run = await runCli(["build", "--yes", "--max-credits", String(COST)], { cwd: project.dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Credits spent: ${COST}`);
  });

  it.each([
    [false, 5],
    [true, 0],
  ])("on a terminal the user is asked (answer %s → exit %i)", async (answer, code) => {
    const { project, env, emu } = await setup();
    const questions: string[] = [];
    const run = await runCli(["build"], {
      cwd: project.dir,
      env: { ...env, CI: "" },
      confirm: async (q) => {
        questions.push(q);
        return answer;
      },
    });
    expect(questions).toEqual([`Spend up to ${COST} Meshy credits?`]);
    expect(run.code, run.stderr).toBe(code);
    expect(posts(emu.stats()) > 0).toBe(answer);
  });
});

describe("account refusals", () => {
  it("402 (out of credits) stops new submissions; what was created is recorded; exit 6", async () => {
    // Enough for one rig and one animation only.
    const { project, env, emu } = await setup({ credits: 8 });
    const run = await runCli(["build", "--yes"], { cwd: project.dir, env });
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/stopping: .*[Ii]nsufficient credits/);
    const created = emu.stats().tasksCreated;
    expect(created.rig + created.animation).toBeGreaterThanOrEqual(1);
    // Exactly one refused POST: after it, nothing else was submitted.
    expect(posts(emu.stats())).toBe(created.rig + created.animation + 1);
    const lock = await readLockfile(join(project.dir, "characters.lock"));
    const ids = Object.values(lock.characters)
      .flatMap((c) => [c.rig, ...Object.values(c.animations)])
      .filter((e) => e?.task_id);
    expect(ids).toHaveLength(created.rig + created.animation);
  });
});

describe("Ctrl-C", () => {
  it("the first interrupt stops new submissions, keeps the lockfile valid, exits 130; the next build finishes without paying twice", async () => {
    const { project, env, emu } = await setup({ speed: "instant", rigMs: 300, animationMs: 300 });
    let interrupt: (() => void) | undefined;
    const signals = {
      onInterrupt(handler: () => void) {
        interrupt = handler;
        return () => {};
      },
    };
    const running = runCli(["build", "--yes"], { cwd: project.dir, env, signals });
    // Interrupt as soon as the first paid task exists.
    for (let i = 0; i < 500 && emu.stats().tasksCreated.rig === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(interrupt).toBeDefined();
    interrupt!();
    const run = await running;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain("stopping: interrupted");
    const createdBefore = emu.stats().tasksCreated;
    expect(createdBefore.rig + createdBefore.animation).toBeLessThan(7);
    const lock = await readLockfile(join(project.dir, "characters.lock"));
    const entries = Object.values(lock.characters).flatMap((c) => [c.rig, ...Object.values(c.animations)]);
    // Every task Meshy created is in the lockfile.
    expect(entries.filter((e) => e?.task_id)).toHaveLength(createdBefore.rig + createdBefore.animation);

    const again = await runCli(["build", "--yes"], { cwd: project.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(emu.stats().tasksCreated).toEqual({ rig: 2, animation: 5 });
    await expectTreeMatchesLock(project.dir, await readLockfile(join(project.dir, "characters.lock")));
  });
});

describe("the account queue", () => {
  it("a full queue (429 NoMoreConcurrentTasks) lowers concurrency instead of spinning", async () => {
    // Tasks outlast a create even on a loaded machine, so the queue does fill.
    const { project, env, emu } = await setup({ queueLimit: 2, concurrentTasks: 2, rigMs: 1_000, animationMs: 1_000 });
    const run = await runCli(["build", "--yes", "--concurrency", "10"], { cwd: project.dir, env });
    expect(run.code, run.stderr).toBe(0);
    const stats = emu.stats();
    expect(stats.tasksCreated).toEqual({ rig: 2, animation: 5 });
    expect(stats.faults["queue-full"] ?? 0).toBeGreaterThan(0);
    // Each refused create waited for one of our tasks to finish: refusals stay
    // within a small multiple of the tasks, not a busy loop.
    expect(posts(stats)).toBeLessThanOrEqual(7 * 3);
    await expectTreeMatchesLock(project.dir, await readLockfile(join(project.dir, "characters.lock")));
  });
});

describe("what the user sees", () => {
  it("CI output is plain lines with no ANSI codes when NO_COLOR is set", async () => {
    const { project, env } = await setup();
    const run = await runCli(["build", "--yes"], { cwd: project.dir, env: { ...env, NO_COLOR: "1" } });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/\u001b\[/);
    expect(run.stderr).toMatch(/hero\/rig: task \S+ created \(5 credits\)/);
    expect(run.stderr).toMatch(/Done: 7 created, 0 downloaded, 2 merged, 0 up to date, 0 failed\. Credits spent: 25\./);
    expect(run.stdout).toBe("");
  });

  it("a TTY gets the task list on stderr and nothing on stdout", async () => {
    const { project, env } = await setup();
    const run = await runCli(["build", "--yes"], { cwd: project.dir, env: { ...env, CI: "" }, isTTY: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    // Rows of the task list, not the plan (which names the same units after `+`).
    const shown = plain(run.stderr);
    expect(shown).toMatch(/^ {2}✔ hero\/rig {2}created · \d+ files \(.+\) · task \S+$/m);
    expect(shown).toMatch(/^ {2}✔ goblin\/animations\/action-16 · RunFast {2}created · /m);
    expect(shown).toMatch(/^ {2}· hero\/animations\/action-4 · Attack {2}waiting for hero\/rig$/m);
    expect(shown).toMatch(/^0\/7 units done · 0 of up to 25 credits spent · \d+:\d\d elapsed$/m);
    expect(run.stderr).toContain("Done: 7 created");
    const text = await readFile(join(project.dir, "characters.lock"), "utf8");
    expect(text.split("\n")[0]).toMatch(/^# .*generated by rigup/i);
  });
});
