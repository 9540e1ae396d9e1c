/**
 * `rigup verify`: re-hash every output the lockfile records, trusting nothing
 * cached. Slower than `check` by design: for CI gates and after copying trees.
 */
import { stat } from "node:fs/promises";
import type { Lockfile } from "../lockfile/schema.js";
import { recordedFiles } from "../lockfile/units.js";
import type { StatCacheEntry } from "../scan/stat-cache.js";
import { hashFile } from "../fs/hash-file.js";
import { errorCode } from "../fs/fs-like.js";
import { resolveInsideOut } from "../fs/inside-out.js";

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
  const files: VerifiedFile[] = recordedFiles(lock).map(({ unit, file }) => ({ path: file.path, unit, expected: file.sha256, status: "ok" }));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  let next = 0;
  const worker = async () => {
    while (next < files.length) await verifyOne(files[next++]!, outDir, onHashed);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  return { ok: files.every((f) => f.status === "ok"), files };
}

async function verifyOne(file: VerifiedFile, outDir: string, onHashed: ((absPath: string, facts: StatCacheEntry) => void) | undefined): Promise<void> {
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
