import { defaultFs, errorCode, type FsOptions } from "../fs/fs-like.js";
import { parseLockfile } from "./format.js";
import { emptyLockfile, type Lockfile } from "./schema.js";

/**
 * The lockfile as one read found it. Commands read it, then read it again under the writer lock:
 * the same text is the same lockfile, so the second read need not parse it again.
 */
export interface LockfileSnapshot {
  /** undefined: there was no file. */
  text: string | undefined;
  lock: Lockfile;
}

/**
 * Reads and validates characters.lock; a missing file is an empty lockfile (first run). `previous`:
 * an earlier read; when the file holds the same text, a copy of its lockfile, without parsing.
 */
export async function readLockfileSnapshot(
  file: string,
  { fs = defaultFs, previous }: FsOptions & { previous?: LockfileSnapshot } = {},
): Promise<LockfileSnapshot> {
  let text: string | undefined;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    if (errorCode(err) !== "ENOENT") throw err;
  }
  // A copy: the caller may change its lockfile, and the earlier reader keeps its own.
  if (previous && previous.text === text) return { text, lock: structuredClone(previous.lock) };
  return { text, lock: text === undefined ? emptyLockfile() : parseLockfile(text, file) };
}

export async function readLockfile(file: string, options: FsOptions = {}): Promise<Lockfile> {
  return (await readLockfileSnapshot(file, options)).lock;
}
