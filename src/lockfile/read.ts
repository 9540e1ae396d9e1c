import { defaultFs, errorCode, type FsOptions } from "../fs/fs-like.js";
import { parseLockfile } from "./format.js";
import { emptyLockfile, type Lockfile } from "./schema.js";

/** Reads and validates characters.lock; a missing file is an empty lockfile (first run). */
export async function readLockfile(file: string, { fs = defaultFs }: FsOptions = {}): Promise<Lockfile> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    if (errorCode(err) === "ENOENT") return emptyLockfile();
    throw err;
  }
  return parseLockfile(text, file);
}
