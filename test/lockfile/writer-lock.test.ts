import { describe, expect, it } from "vitest";
import { EXIT, UserError } from "../../src/diagnostics/errors.js";
import { acquireWriterLock, isPidAlive, type AcquireWriterLockOptions } from "../../src/lockfile/writer-lock.js";
import { memFs } from "./mem-fs.js";

const LOCKFILE = "/p/characters.lock";
const LOCK_PATH = "/p/.rigup/characters.lock.writer.json";
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

function opts(fs: AcquireWriterLockOptions["fs"], over: Partial<AcquireWriterLockOptions> = {}): AcquireWriterLockOptions {
  return { fs, pid: 100, hostname: "box", now: T0, command: "rigup build", isPidAlive: () => true, ...over };
}

async function lockedError(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof UserError)) throw new Error(`expected a UserError, got ${String(err)}`);
  return err;
}

describe("acquireWriterLock", () => {
  it("is exclusive and names the holder", async () => {
    const { fs } = memFs();
    const first = await acquireWriterLock(LOCKFILE, opts(fs));
    expect(first.tookOverStale).toBeUndefined();
    expect(JSON.parse(await fs.readFile(LOCK_PATH, "utf8"))).toEqual({ pid: 100, hostname: "box", started_at: T0, command: "rigup build" });
    const err = await lockedError(acquireWriterLock(LOCKFILE, opts(fs, { pid: 200, now: T0 + 5_000, command: "rigup check" })));
    expect(err.code).toBe("LOCKED");
    expect(err.exitCode).toBe(EXIT.LOCKED);
    expect(err.message).toBe(
      `another rigup run (pid 100 on box, started 2026-11-23T10:00:00Z, \`rigup build\`) holds characters.lock; wait for it or, if it is gone, delete ${LOCK_PATH}`,
    );
    await first.release();
    const second = await acquireWriterLock(LOCKFILE, opts(fs, { pid: 200 }));
    await second.release();
    await expect(fs.readFile(LOCK_PATH, "utf8")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("takes over a lock whose process is gone on this host", async () => {
    const { fs } = memFs();
    await acquireWriterLock(LOCKFILE, opts(fs, { pid: 100 }));
    const checked: number[] = [];
    const lock = await acquireWriterLock(LOCKFILE, opts(fs, { pid: 200, isPidAlive: (pid) => (checked.push(pid), false) }));
    expect(checked).toEqual([100]);
    expect(lock.tookOverStale).toMatchObject({ pid: 100, hostname: "box" });
    expect(JSON.parse(await fs.readFile(LOCK_PATH, "utf8"))).toMatchObject({ pid: 200 });
  });

  it("does not probe pids of another host; its lock is stale only after staleAfterMs", async () => {
    const { fs } = memFs();
    await acquireWriterLock(LOCKFILE, opts(fs, { hostname: "ci-runner-7" }));
    const neverProbe = () => {
      throw new Error("must not probe a foreign pid");
    };
    const err = await lockedError(acquireWriterLock(LOCKFILE, opts(fs, { now: T0 + 59 * 60_000, isPidAlive: neverProbe })));
    expect(err.message).toMatch(/pid 100 on ci-runner-7/);
    const lock = await acquireWriterLock(LOCKFILE, opts(fs, { now: T0 + 61 * 60_000, isPidAlive: neverProbe }));
    expect(lock.tookOverStale).toMatchObject({ hostname: "ci-runner-7" });
  });

  it("release removes the lock only if it is still ours", async () => {
    const { fs } = memFs();
    const mine = await acquireWriterLock(LOCKFILE, opts(fs, { pid: 100 }));
    // Another run judged us dead and took over.
    const theirs = await acquireWriterLock(LOCKFILE, opts(fs, { pid: 300, isPidAlive: () => false }));
    await mine.release();
    expect(JSON.parse(await fs.readFile(LOCK_PATH, "utf8"))).toMatchObject({ pid: 300 });
    await theirs.release();
    await theirs.release(); // twice is fine
    await expect(fs.readFile(LOCK_PATH, "utf8")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("treats an unreadable lock as held until it is older than staleAfterMs", async () => {
    const { fs, vol } = memFs({ [LOCK_PATH]: "" });
    const mtime = (await fs.stat(LOCK_PATH)).mtimeMs;
    const err = await lockedError(acquireWriterLock(LOCKFILE, opts(fs, { now: mtime + 1_000 })));
    expect(err.message).toMatch(/crashed while starting/);
    const lock = await acquireWriterLock(LOCKFILE, opts(fs, { now: mtime + 2 * 60 * 60_000 }));
    expect(lock.tookOverStale).toBeDefined();
    expect(vol.toJSON()[LOCK_PATH]).toContain('"pid":100');
  });
});

describe("isPidAlive", () => {
  it("knows this process is alive and a vanished child is not", async () => {
    expect(isPidAlive(process.pid)).toBe(true);
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => child.on("exit", resolve));
    expect(isPidAlive(child.pid!)).toBe(false);
  });
});
