/**
 * Taking over a dead run's writer lock, with real processes racing for it. Two
 * runs that both judged the lock stale once both took it (the later one's unlink
 * removed the earlier one's new lock, shown with a delay before that unlink), and
 * both went on to pay for the same units. Exactly one may win.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { expect, it } from "vitest";
import { writerLockPath } from "../../src/lockfile/writer-lock.js";
import { tempProject } from "../helpers/project.js";
import { ROOT, TSX } from "../helpers/spawn.js";

const CONTENDER = join(ROOT, "test/lockfile/writer-lock-contender.ts");

/** A pid no process has any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

/** Starts a contender; `next()` resolves with each line it prints. */
function contender(lockfile: string, unlinkMs: number, startMs: number) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [
    "--import",
    TSX,
    CONTENDER,
    lockfile,
    String(unlinkMs),
    String(startMs),
  ]);
  const limit = setTimeout(() => child.kill("SIGKILL"), 30_000);
  child.on("exit", () => clearTimeout(limit));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value ?? `exited: ${child.stderr.read() ?? ""}`);
  return { child, next };
}

it.each([
  ["", false],
  [", also past a takeover marker a killed run left", true],
])(
  "exactly one of several runs takes over a stale lock, however their steps interleave%s",
  { timeout: 60_000 },
  async (_case, abandonedMarker) => {
    const project = await tempProject();
    const lockfile = join(project.dir, "characters.lock");
    const lockPath = writerLockPath(lockfile);
    await mkdir(join(project.dir, ".rigup"));
    const stale = { pid: await deadPid(), hostname: hostname(), started_at: Date.now() - 60_000, command: "rigup build" };
    await writeFile(lockPath, `${JSON.stringify(stale)}\n`);
    if (abandonedMarker) await writeFile(`${lockPath}.takeover`, `${JSON.stringify({ ...stale, command: "contender" })}\n`);

    // Two takers that judge the lock stale together and unlink it 100 ms and 300 ms later,
    // one arriving 50 ms in (mid-takeover), and one arriving 200 ms in (after the first taker's unlink).
    const runs = [contender(lockfile, 100, 0), contender(lockfile, 300, 0), contender(lockfile, 0, 50), contender(lockfile, 0, 200)];
    try {
      for (const r of runs) expect(await r.next()).toBe("ready");
      for (const r of runs) r.child.stdin.write("go\n");
      const results = await Promise.all(runs.map((r) => r.next()));
      expect(results.filter((r) => r === "won")).toHaveLength(1);
      expect(results.filter((r) => r === "locked")).toHaveLength(runs.length - 1);
      const winner = runs[results.indexOf("won")]!.child.pid;
      expect(JSON.parse(await readFile(lockPath, "utf8"))).toMatchObject({ pid: winner, command: "contender" });
      // No takeover marker outlives its takeover.
      expect(await readdir(join(project.dir, ".rigup"))).toEqual(["characters.lock.writer.json"]);
    } finally {
      for (const r of runs) r.child.stdin.end();
    }
  },
);
