/**
 * The one listing of the files under an output folder, shared by the scan
 * (scan/facts.ts) and the check snapshot (app/check-snapshot.ts): the snapshot
 * vouches for what the scan saw, so both must list exactly the same files.
 * Recursive; folders are entered, symlinks are not (a link is listed like a file);
 * rigup's own temp files (`isTempName`) are skipped, any other hidden file is listed.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { isTempName } from "./atomic-write.js";
import { defaultFs, errorCode, type DirentLike, type FsOptions } from "./fs-like.js";

/**
 * The walk itself, for a sync or an async reader: yields each folder to read and is
 * sent back its entries (undefined: missing); returns the files, sorted.
 */
function* walk(root: string, folder: string): Generator<string, string[], DirentLike[] | undefined> {
  const files: string[] = [];
  const folders = [folder];
  for (let rel = folders.pop(); rel !== undefined; rel = folders.pop()) {
    for (const entry of (yield path.join(root, ...rel.split("/"))) ?? []) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) folders.push(child);
      else if (!isTempName(entry.name)) files.push(child);
    }
  }
  return files.sort();
}

/** A folder that is missing (or is a file) has no entries; any other error is thrown. */
function missingIsEmpty(err: unknown): undefined {
  if (errorCode(err) === "ENOENT" || errorCode(err) === "ENOTDIR") return undefined;
  throw err;
}

/**
 * Root-relative '/'-separated paths of the files under `<root>/<folder>` (a
 * '/'-separated relative path), sorted. Empty when the folder does not exist.
 * @example listFilesSync("/p/out", "knight") // ["knight/animations/walk.glb", "knight/rig/knight.glb"]
 */
export function listFilesSync(root: string, folder: string): string[] {
  const walker = walk(root, folder);
  for (let step = walker.next(); ;) {
    if (step.done) return step.value;
    let entries: DirentLike[] | undefined;
    try {
      entries = readdirSync(step.value, { withFileTypes: true });
    } catch (err) {
      entries = missingIsEmpty(err);
    }
    step = walker.next(entries);
  }
}

/**
 * `listFilesSync` through `fs` (memfs in tests). On the real file system it reads
 * synchronously: thousands of async readdirs each pay a thread-pool round trip.
 */
export async function listFiles(root: string, folder: string, { fs = defaultFs }: FsOptions = {}): Promise<string[]> {
  if (fs === defaultFs) return listFilesSync(root, folder);
  const walker = walk(root, folder);
  for (let step = walker.next(); ;) {
    if (step.done) return step.value;
    step = walker.next(await fs.readdir(step.value, { withFileTypes: true }).catch(missingIsEmpty));
  }
}
