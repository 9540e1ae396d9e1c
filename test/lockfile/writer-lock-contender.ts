/**
 * One contender for the writer lock, as a process of its own (for
 * writer-lock-takeover.test.ts). Prints "ready", waits for "go" on stdin, waits
 * `startMs`, then takes the lock with its unlink of the lock file delayed by
 * `unlinkMs` (the race window between judging a lock stale and removing it,
 * made wide). Prints "won" or "locked"; a won lock is held until stdin ends.
 *
 * Usage: node --import tsx writer-lock-contender.ts <lockfile> <unlinkMs> <startMs>
 */
import * as nodeFs from "node:fs/promises";
import { hostname } from "node:os";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { UserError } from "../../src/diagnostics/errors.js";
import type { FsLike } from "../../src/fs/fs-like.js";
import { acquireWriterLock } from "../../src/lockfile/writer-lock.js";

const [lockfile, unlinkMs, startMs] = process.argv.slice(2) as [string, string, string];
const fs: FsLike = {
  ...nodeFs,
  async unlink(file) {
    if (file.endsWith(".writer.json")) await sleep(Number(unlinkMs));
    return nodeFs.unlink(file);
  },
};

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
console.log("ready");
await lines.next(); // "go"
await sleep(Number(startMs));
try {
  await acquireWriterLock(lockfile, { fs, pid: process.pid, hostname: hostname(), now: Date.now(), command: "contender" });
  console.log("won");
  while (!(await lines.next()).done); // hold the lock until the test is done
} catch (err) {
  console.log(err instanceof UserError && err.code === "LOCKED" ? "locked" : `error: ${String(err)}`);
}
process.exit(0);
