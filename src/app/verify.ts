/**
 * `rigup verify`: re-hash every output the lockfile records, trusting nothing
 * cached. Slower than `check` by design: for CI gates and after copying trees.
 */
import { stat } from "node:fs/promises";
import type { Writable } from "node:stream";
import { UserError } from "../diagnostics/errors.js";
import type { Lockfile } from "../lockfile/schema.js";
import { recordedFiles } from "../lockfile/units.js";
import { StatCache, type StatCacheEntry } from "../scan/stat-cache.js";
import { verifyStore, type StoredCheck } from "../store/verify.js";
import { hashFile } from "../fs/hash-file.js";
import { errorCode } from "../fs/fs-like.js";
import { resolveInsideOut } from "../fs/inside-out.js";
import { mapLimit } from "../async/map-limit.js";
import { dropSnapshot } from "./check-snapshot.js";
import { openProject, type ProjectOptions } from "./project.js";
import { openProjectStore } from "./team-store.js";

export type VerifyStatus = "ok" | "mismatch" | "missing" | "outside-out-dir";

export interface VerifiedFile {
  /** Out-relative, as the lockfile records it. */
  path: string;
  /** `<character>/rig` or `<character>/animations/<name>`. */
  unit: string;
  expected: string;
  /** sha256 on disk; absent when missing or refused. */
  actual?: string;
  status: VerifyStatus;
}

export interface VerifyReport {
  ok: boolean;
  files: VerifiedFile[];
}

/** `rigup verify`: every recorded output of the project re-hashed; what it learns reaches the stat cache. */
export async function verifyProject(opts: ProjectOptions): Promise<VerifyReport> {
  const project = await openProject(opts);
  const { stateDir, outDir } = project.settings;
  // What verify learns reaches the next check and build: they trust size and mtime, verify does not.
  const statCache = await StatCache.load(stateDir);
  const report = await verifyOutputs(project.lock, outDir, (abs, facts) => statCache.record(abs, facts));
  await statCache.save();
  if (!report.ok) dropSnapshot(stateDir);
  return report;
}

export interface StoreVerifyReport {
  /** The store, as its label says where it is. */
  store: string;
  ok: boolean;
  files: StoredCheck[];
}

/** `rigup verify --store`: every recorded output is in the team store with its size (`hash`: and its sha256). */
export async function verifyProjectStore(
  opts: ProjectOptions,
  o: { hash?: boolean },
  io: { stderr: Writable },
): Promise<StoreVerifyReport> {
  const project = await openProject(opts);
  const store = await openProjectStore(project.settings, io.stderr);
  if (!store)
    throw new UserError("NO_STORE", "verify --store: no team store is configured", {
      hint: "pass --store URL, set RIGUP_STORE, or set `store` in the config",
    });
  try {
    return { store: store.label, ...(await verifyStore(project.lock, store, { hash: o.hash })) };
  } finally {
    await store.close();
  }
}

/** Hashing is I/O- and CPU-bound: a few at a time keeps both busy without flooding the thread pool. */
const CONCURRENCY = 8;

/**
 * `onHashed`: each file's size, mtime and real hash, so the stat cache stops vouching
 * for a file changed in place with its size and mtime kept (the next build sees it).
 */
export async function verifyOutputs(
  lock: Lockfile,
  outDir: string,
  onHashed?: (absPath: string, facts: StatCacheEntry) => void,
): Promise<VerifyReport> {
  const files: VerifiedFile[] = recordedFiles(lock).map(({ unit, file }) => ({
    path: file.path,
    unit,
    expected: file.sha256,
    status: "ok",
  }));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  await mapLimit(files, CONCURRENCY, (f) => verifyOne(f, outDir, onHashed));
  return { ok: files.every((f) => f.status === "ok"), files };
}

async function verifyOne(
  file: VerifiedFile,
  outDir: string,
  onHashed: ((absPath: string, facts: StatCacheEntry) => void) | undefined,
): Promise<void> {
  const abs = await resolveInsideOut(outDir, file.path);
  if (!abs) {
    file.status = "outside-out-dir";
    return;
  }
  try {
    // Stat first: if the file changes while it is hashed, the pair is stale and the next look hashes again.
    const { size, mtimeMs } = await stat(abs);
    file.actual = await hashFile(abs);
    onHashed?.(abs, { size, mtimeMs, sha256: file.actual });
    file.status = file.actual === file.expected ? "ok" : "mismatch";
  } catch (err) {
    if (errorCode(err) !== "ENOENT" && errorCode(err) !== "EISDIR" && errorCode(err) !== "ENOTDIR") throw err;
    file.status = "missing";
  }
}
