/**
 * One rigup run at a time may write a lockfile: two runs would both POST (and pay)
 * for the same units and overwrite each other's task ids. The lock is a file
 * created with O_EXCL at `<dir>/.rigup/<lockfile name>.writer.json`.
 */
import path from "node:path";
import { z } from "zod";
import { EXIT, UserError } from "../errors.js";
import { defaultFs, errorCode, type FsLike, type FsOptions } from "./fs.js";

export const WriterLockOwnerSchema = z.strictObject({
  pid: z.number().int(),
  hostname: z.string(),
  /** Unix ms. */
  started_at: z.number(),
  command: z.string(),
});
export type WriterLockOwner = z.infer<typeof WriterLockOwnerSchema>;

/** A lock from another host is presumed dead after this long (its pid cannot be checked from here). */
export const WRITER_LOCK_DEFAULTS = { staleAfterMs: 60 * 60 * 1000 };

export interface AcquireWriterLockOptions extends FsOptions {
  pid: number;
  hostname: string;
  /** Unix ms. */
  now: number;
  /** What is running, for the message another run prints, e.g. `rigup build`. */
  command: string;
  staleAfterMs?: number;
  isPidAlive?: (pid: number) => boolean;
}

export interface WriterLock {
  /** The lock file's path. */
  path: string;
  /** Set when a dead run's lock was taken over (worth a log line). */
  tookOverStale?: WriterLockOwner;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** `process.kill(pid, 0)`: ESRCH means no such process; EPERM means it exists under another user. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) !== "ESRCH";
  }
}

export function writerLockPath(lockfilePath: string): string {
  return path.join(path.dirname(lockfilePath), ".rigup", `${path.basename(lockfilePath)}.writer.json`);
}

async function readOwner(fs: FsLike, file: string): Promise<{ owner?: WriterLockOwner; text: string } | undefined> {
  try {
    const text = await fs.readFile(file, "utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = WriterLockOwnerSchema.safeParse(json);
    return { owner: parsed.success ? parsed.data : undefined, text };
  } catch (err) {
    if (errorCode(err) === "ENOENT") return undefined;
    throw err;
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Takes the writer lock for `lockfilePath` or throws UserError LOCKED (exit 4)
 * naming the holder. A lock left by a dead process on this host, or older than
 * `staleAfterMs` from another host, is taken over (`tookOverStale`).
 */
export async function acquireWriterLock(lockfilePath: string, options: AcquireWriterLockOptions): Promise<WriterLock> {
  const { fs = defaultFs, pid, hostname, now, command, staleAfterMs = WRITER_LOCK_DEFAULTS.staleAfterMs } = options;
  const alive = options.isPidAlive ?? isPidAlive;
  const file = writerLockPath(lockfilePath);
  const me: WriterLockOwner = { pid, hostname, started_at: now, command };
  const text = `${JSON.stringify(me)}\n`;
  await fs.mkdir(path.dirname(file), { recursive: true });

  let tookOverStale: WriterLockOwner | undefined;
  // Retried: a second contender may release or take over the lock between our create and our read.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await fs.open(file, "wx");
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
      return { path: file, tookOverStale, release: () => release(fs, file, text) };
    } catch (err) {
      if (errorCode(err) !== "EEXIST") throw err;
    }
    const held = await readOwner(fs, file);
    if (!held) continue; // released meanwhile
    const { owner } = held;
    // An unreadable lock is a run that crashed between create and write, or one starting right now.
    const stale = owner
      ? owner.hostname === hostname
        ? !alive(owner.pid)
        : now - owner.started_at > staleAfterMs
      : now - (await fs.stat(file)).mtimeMs > staleAfterMs;
    if (!stale) throw lockedError(lockfilePath, file, owner);
    // Only remove what we judged stale: another contender may have replaced it since.
    if ((await readOwner(fs, file))?.text !== held.text) continue;
    await fs.unlink(file).catch((e: unknown) => {
      if (errorCode(e) !== "ENOENT") throw e;
    });
    // An unreadable lock has no owner to report; say so rather than omit the takeover.
    tookOverStale = owner ?? { pid: 0, hostname: "unknown", started_at: 0, command: "unknown" };
  }
  throw lockedError(lockfilePath, file, (await readOwner(fs, file))?.owner);
}

function lockedError(lockfilePath: string, file: string, owner: WriterLockOwner | undefined): UserError {
  const who = owner
    ? `another rigup run (pid ${owner.pid} on ${owner.hostname}, started ${iso(owner.started_at)}, \`${owner.command}\`)`
    : "another rigup run (starting, or one that crashed while starting)";
  return new UserError("LOCKED", `${who} holds ${path.basename(lockfilePath)}; wait for it or, if it is gone, delete ${file}`, {
    exitCode: EXIT.LOCKED,
    hint: `If no rigup is running, delete ${file} and run again.`,
  });
}

async function release(fs: FsLike, file: string, text: string): Promise<void> {
  const held = await readOwner(fs, file);
  // A run that judged us stale may have taken over: its lock is not ours to remove.
  if (held?.text !== text) return;
  await fs.unlink(file).catch((e: unknown) => {
    if (errorCode(e) !== "ENOENT") throw e;
  });
}
