/**
 * One rigup run at a time may write a lockfile: two runs would both POST (and pay)
 * for the same units and overwrite each other's task ids. The lock is a file
 * created with O_EXCL at `<dir>/.rigup/<lockfile name>.writer.json`.
 *
 * Taking over a dead run's lock is exclusive too. Two runs that both judged it
 * stale must not both remove it: the later unlink would remove the earlier run's
 * new lock. So only the run that creates `<lock>.takeover` (O_EXCL) may remove a
 * stale lock, and only after reading it again under that marker:
 * - a second contender cannot create the marker and waits; once it can, it finds
 *   the lock changed and meets the winner's live lock;
 * - a third run arriving meanwhile finds the stale lock (and waits on the marker
 *   like any contender), or finds none and races the taker's O_EXCL create:
 *   either way exactly one create succeeds.
 * A marker left by a run killed mid-takeover is judged like a lock (dead pid, or
 * age on another host) and removed the same way, under a marker of its own.
 */
import { hostname as thisHost } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { EXIT, UserError } from "../diagnostics/errors.js";
import { defaultFs, errorCode, type FsLike, type FsOptions } from "../fs/fs-like.js";

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

/** Attempts, and the pause after finding another run mid-takeover (a few file operations): 2 s in all. */
const ATTEMPTS = 80;
const TAKEOVER_POLL_MS = 25;

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

interface Held {
  owner?: WriterLockOwner;
  text: string;
}

/** What judging and taking over needs, for the lock and for a takeover marker alike. */
interface Judge {
  fs: FsLike;
  hostname: string;
  now: number;
  staleAfterMs: number;
  alive: (pid: number) => boolean;
  /** Our owner record, the content of our lock and of our marker. */
  text: string;
}

async function readHeld(fs: FsLike, file: string): Promise<Held | undefined> {
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

/** Creates `file` holding `text` unless it exists. */
async function createExclusive(fs: FsLike, file: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(file, "wx");
  } catch (err) {
    if (errorCode(err) === "EEXIST") return false;
    throw err;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

async function unlinkIfPresent(fs: FsLike, file: string): Promise<void> {
  await fs.unlink(file).catch((e: unknown) => {
    if (errorCode(e) !== "ENOENT") throw e;
  });
}

/** Whether `held`, read from `file`, belongs to a run that is gone. */
async function isStale(j: Judge, file: string, { owner }: Held): Promise<boolean> {
  if (owner) return owner.hostname === j.hostname ? !j.alive(owner.pid) : j.now - owner.started_at > j.staleAfterMs;
  // An unreadable file is a run that crashed between create and write, or one starting right now.
  const stats = await j.fs.stat(file).catch((e: unknown) => {
    if (errorCode(e) === "ENOENT") return undefined;
    throw e;
  });
  // Gone meanwhile: nothing left to respect (removeStale then finds it changed).
  return stats === undefined || j.now - stats.mtimeMs > j.staleAfterMs;
}

/**
 * Removes `file`, judged stale as `held`, unless it changed since: "removed", "changed"
 * (look again now), or "busy" (another live run is taking it over; look again shortly).
 * `depth` bounds how many abandoned markers deep this goes.
 */
async function removeStale(j: Judge, file: string, held: Held, depth: number): Promise<"removed" | "changed" | "busy"> {
  const marker = `${file}.takeover`;
  if (!(await createExclusive(j.fs, marker, j.text))) {
    const other = await readHeld(j.fs, marker);
    if (!other) return "changed";
    if (depth === 0 || !(await isStale(j, marker, other))) return "busy";
    // A run killed mid-takeover left its marker: remove that the same way, then start over.
    return (await removeStale(j, marker, other, depth - 1)) === "busy" ? "busy" : "changed";
  }
  try {
    // Under the marker no other run removes `file`, and none can create it while it exists.
    if ((await readHeld(j.fs, file))?.text !== held.text) return "changed";
    await unlinkIfPresent(j.fs, file);
    return "removed";
  } finally {
    await release(j.fs, marker, j.text);
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
  const file = writerLockPath(lockfilePath);
  const text = `${JSON.stringify({ pid, hostname, started_at: now, command } satisfies WriterLockOwner)}\n`;
  const judge: Judge = { fs, hostname, now, staleAfterMs, alive: options.isPidAlive ?? isPidAlive, text };
  await fs.mkdir(path.dirname(file), { recursive: true });

  let tookOverStale: WriterLockOwner | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(fs, file, text)) return { path: file, tookOverStale, release: () => release(fs, file, text) };
    const held = await readHeld(fs, file);
    if (!held) continue; // released meanwhile
    if (!(await isStale(judge, file, held))) throw lockedError(lockfilePath, file, held.owner);
    const outcome = await removeStale(judge, file, held, 1);
    // An unreadable lock has no owner to report; say so rather than omit the takeover.
    if (outcome === "removed") tookOverStale = held.owner ?? { pid: 0, hostname: "unknown", started_at: 0, command: "unknown" };
    if (outcome === "busy") await sleep(TAKEOVER_POLL_MS);
  }
  // Still busy: name the run taking over, else whoever holds the lock now.
  const holder = (await readHeld(fs, `${file}.takeover`)) ?? (await readHeld(fs, file));
  throw lockedError(lockfilePath, file, holder?.owner);
}

/** Who takes the lock in `withWriterLock`: this process, on this host. */
export interface WriterLockUse {
  /** What is running, for the message another run prints, e.g. `rigup build`. */
  command: string;
  /** Unix ms; default now. */
  now?: number;
}

/**
 * Runs `fn` holding the writer lock for `lockfilePath` (this process, this host), and
 * releases it however `fn` ends. Throws UserError LOCKED (exit 4) as acquireWriterLock.
 */
export async function withWriterLock<T>(lockfilePath: string, use: WriterLockUse, fn: (lock: WriterLock) => Promise<T>): Promise<T> {
  const lock = await acquireWriterLock(lockfilePath, {
    pid: process.pid,
    hostname: thisHost(),
    now: use.now ?? Date.now(),
    command: use.command,
  });
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
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

/** Removes `file` (our lock or our takeover marker) if it still holds `text`. */
async function release(fs: FsLike, file: string, text: string): Promise<void> {
  // A run that judged us stale may have taken over: its file is not ours to remove.
  if ((await readHeld(fs, file))?.text === text) await unlinkIfPresent(fs, file);
}
