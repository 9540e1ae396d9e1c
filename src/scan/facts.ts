/**
 * The I/O half of planning: what is on disk, as `Facts` for the pure planner.
 * Runs before every game build (`rigup check`), so the warm path only stats:
 * hashes come from the stat cache unless size or mtime changed.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { defaultFs, errorCode, type FsLike, type FsOptions } from "../fs/fs-like.js";
import type { Lockfile } from "../lockfile/schema.js";
import type { ResolvedManifest } from "../manifest/resolve.js";
import { hashFile } from "../fs/hash-file.js";
import { listFiles } from "../fs/list-files.js";
import { FILE_CONCURRENCY, mapLimit } from "../async/map-limit.js";
import type { StatCache } from "./stat-cache.js";

export interface GatherFactsOptions extends FsOptions {
  manifest: ResolvedManifest;
  /** Local inputs are relative to it. */
  manifestDir: string;
  outDir: string;
  lock: Lockfile;
  statCache: StatCache;
  /** Hash every input and every recorded output, ignoring the stat cache (`--verify`). */
  verify: boolean;
  /** Sees every file stat the facts are based on (absolute path), e.g. to snapshot them. */
  onStat?: (file: string, stat: { size: number; mtimeMs: number }) => void;
}

/** What is on disk, gathered before planning (the planner itself does no I/O). */
export interface DiskFacts {
  /** sha256 of each local input file (models, textures), keyed by the manifest-relative path as written. Absent: file missing. */
  inputs: Record<string, string>;
  /**
   * Files under the output directory, keyed by out-relative posix path. `sha256` is
   * present when the size matches the lockfile's record (from the stat cache, or hashed).
   */
  outputs: Record<string, { size: number; sha256?: string }>;
}

/** Gathers input hashes and the output tree (with hashes where the lockfile records a file of that size). */
export async function gatherFacts(options: GatherFactsOptions): Promise<DiskFacts> {
  const { manifest, manifestDir, outDir, lock, statCache, verify, onStat, fs = defaultFs } = options;
  const observe = async (file: string) => {
    const stat = await statFile(fs, file);
    if (stat) onStat?.(file, stat);
    return stat;
  };

  /** Hash through the cache; the file is stat-ed again after hashing so a file changing meanwhile is not cached. */
  const digest = async (file: string, stat: { size: number; mtimeMs: number }): Promise<string> => {
    const cached = verify ? undefined : statCache.lookup(file, stat);
    if (cached) return cached;
    const sha256 = await hashFile(file, { fs });
    const after = await fs.stat(file);
    if (after.size === stat.size && after.mtimeMs === stat.mtimeMs) statCache.record(file, { ...stat, sha256 });
    return sha256;
  };

  const inputPaths = new Set<string>();
  for (const c of manifest.characters) {
    if (c.source.kind === "file") inputPaths.add(c.source.path);
    if (c.texture?.kind === "file") inputPaths.add(c.texture.path);
  }
  const inputList = [...inputPaths].sort();
  const inputHashes = await mapLimit(inputList, FILE_CONCURRENCY, async (rel) => {
    const file = path.resolve(manifestDir, rel);
    const stat = await observe(file);
    return stat && (await digest(file, stat));
  });
  const inputs: DiskFacts["inputs"] = {};
  inputList.forEach((rel, i) => {
    const sha = inputHashes[i];
    if (sha) inputs[rel] = sha;
  });

  const recorded = new Map<string, number>();
  for (const c of Object.values(lock.characters)) {
    for (const unit of [c.rig, ...Object.values(c.animations)]) {
      for (const f of Object.values(unit?.files ?? {})) recorded.set(f.path, f.size);
    }
    if (c.merged) recorded.set(c.merged.file.path, c.merged.file.size);
  }
  const characters = [...new Set([...manifest.characters.map((c) => c.name), ...Object.keys(lock.characters)])];
  const trees = await mapLimit(characters, FILE_CONCURRENCY, (name) => listFiles(outDir, name, { fs }));
  const relPaths = trees.flat().sort();
  const found = await mapLimit(relPaths, FILE_CONCURRENCY, async (rel) => {
    const file = path.join(outDir, ...rel.split("/"));
    const stat = await observe(file);
    if (!stat) return undefined;
    const sha256 = recorded.get(rel) === stat.size ? await digest(file, stat) : undefined;
    return sha256 ? { size: stat.size, sha256 } : { size: stat.size };
  });
  const outputs: DiskFacts["outputs"] = {};
  relPaths.forEach((rel, i) => {
    const entry = found[i];
    if (entry) outputs[rel] = entry;
  });
  return { inputs, outputs };
}

/**
 * Regular file's size and mtime, or undefined when it is missing or not a file.
 * On the real file system the stat is synchronous: thousands of async stats each
 * pay a thread-pool round trip, which made `rigup check` several times slower.
 */
async function statFile(fs: FsLike, file: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const st = fs === defaultFs ? statSync(file) : await fs.stat(file);
    return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
  } catch (err) {
    if (errorCode(err) === "ENOENT" || errorCode(err) === "ENOTDIR") return undefined;
    throw err;
  }
}
