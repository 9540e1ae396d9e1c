/**
 * Ctrl-C on a real terminal (issue 10, item 5) goes through rigup's one
 * interrupt path, as off a terminal: stop submitting, record every created
 * task, print the summary, exit 130. Ctrl-C is typed into the pty, so the
 * terminal's line discipline delivers SIGINT to rigup's process group.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { posts } from "../helpers/assert.js";
import { twoCharacterProject } from "../helpers/project.js";
import { hasScript, rigupOnPty } from "./pty.js";
import { plain } from "./screen.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe.skipIf(!hasScript)("Ctrl-C on a terminal", () => {
  it("mid-build: stops submitting, records every created task, prints the summary, exits 130", { timeout: 90_000 }, async () => {
    // Slow tasks: the interrupt lands while paid work is under way.
    emulator = await startEmulator({ speed: "instant", rigMs: 2_000, animationMs: 2_000, rateLimit: 0 });
    const emu = emulator;
    const project = await twoCharacterProject();
    const run = rigupOnPty(["build", "--yes"], { cwd: project.dir, env: { MESHY_API_BASE: emu.url, MESHY_API_KEY: emu.apiKey } });
    for (let i = 0; i < 3000 && emu.stats().tasksCreated.rig === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(emu.stats().tasksCreated.rig).toBeGreaterThan(0);
    run.type("\x03");
    const end = await run.ended;
    expect(end.code, end.output).toBe(130);
    const text = plain(end.output);
    expect(text).toContain("stopping: interrupted");
    expect(text).toMatch(/^Interrupted: .*Credits spent: \d+\./m);

    const created = emu.stats().tasksCreated;
    expect(created.rig + created.animation).toBeLessThan(7);
    const lock = await readLockfile(join(project.dir, "characters.lock"));
    const ids = Object.values(lock.characters)
      .flatMap((c) => [c.rig, ...Object.values(c.animations)])
      .filter((e) => e?.task_id);
    expect(ids).toHaveLength(created.rig + created.animation);
  });

  it("at the spend question: nothing is sent, exit 130", { timeout: 60_000 }, async () => {
    emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
    const emu = emulator;
    const project = await twoCharacterProject();
    const run = rigupOnPty(["build"], { cwd: project.dir, env: { MESHY_API_BASE: emu.url, MESHY_API_KEY: emu.apiKey } });
    await run.waitFor(/\[y\/N\] /);
    run.type("\x03");
    const end = await run.ended;
    expect(end.code, end.output).toBe(130);
    expect(posts(emu.stats())).toBe(0);
    expect(plain(end.output)).toContain("nothing was sent");
  });
});
