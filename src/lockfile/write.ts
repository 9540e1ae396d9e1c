import { writeFileAtomic } from "../fs/atomic-write.js";
import type { FsOptions } from "../fs/fs-like.js";
import { serializeLockfile } from "./format.js";
import type { Lockfile } from "./schema.js";

/** Writes characters.lock atomically: after a failure or crash the previous content is intact. */
export async function writeLockfile(file: string, lock: Lockfile, options: FsOptions = {}): Promise<void> {
  await writeFileAtomic(file, serializeLockfile(lock), options);
}
