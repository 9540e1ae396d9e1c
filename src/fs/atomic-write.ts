/**
 * Replace a file so that readers (and a crash) see either the old or the new
 * content, never a mix: temp file in the same directory (rename is only atomic
 * within one file system), fsync, rename over the target, fsync the directory.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { defaultFs, type FileHandleLike, type FsOptions } from "./fs-like.js";

/**
 * Every temp file rigup creates is named by `tempPathFor`, with a prefix of its own, so
 * sweeping leftovers can never take a user's file (a `notes/.draft.tmp` in an output folder).
 */
const TEMP_PREFIX = ".rigup-tmp-";
const TEMP_SUFFIX = /.\.\d+\.[0-9a-f]{12}\.tmp$/;

/**
 * 48 bits, random once per process, then counted: unique among this process's temp files, and
 * unlikely to meet another machine's on a shared folder (same pid). Random bytes per file cost a
 * pull of 2,000 files about 40 ms.
 */
let tempSerial = randomBytes(6).readUIntBE(0, 6);

/** `.rigup-tmp-<name>.<pid>.<12 hex>.tmp` beside `file`: hidden, and skipped by the output scan (scan/facts.ts). */
export function tempPathFor(file: string): string {
  tempSerial = (tempSerial + 1) % 2 ** 48;
  const name = `${TEMP_PREFIX}${path.basename(file)}.${process.pid}.${tempSerial.toString(16).padStart(12, "0")}.tmp`;
  return path.join(path.dirname(file), name);
}

/** True only for names `tempPathFor` creates. */
export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) && TEMP_SUFFIX.test(name.slice(TEMP_PREFIX.length));
}

async function flush(handle: FileHandleLike): Promise<void> {
  await (handle.sync ? handle.sync() : handle.datasync());
}

/** Writes `data` to `file` atomically. On failure the old file is untouched and the temp file removed. */
export async function writeFileAtomic(file: string, data: string, { fs = defaultFs }: FsOptions = {}): Promise<void> {
  const tmp = tempPathFor(file);
  let handle: FileHandleLike | undefined;
  try {
    handle = await fs.open(tmp, "wx");
    await handle.writeFile(data);
    // Without this a crash after the rename can leave an empty file on ext4/xfs.
    await flush(handle);
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(path.dirname(file), fs);
}

/**
 * `writeFileAtomic` for callers that must not yield: the emulator saves its state on
 * every change, in order, and `rigup check` writes its snapshot on the way out. Same
 * temp name, fsyncs and cleanup; node:fs only.
 */
export function writeFileAtomicSync(file: string, data: string): void {
  const tmp = tempPathFor(file);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx");
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Already failing: the first error is the one to report.
      }
    }
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    fd = openSync(path.dirname(file), "r");
    fsyncSync(fd);
  } catch {
    // Best effort, as syncDir below.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Makes a rename (or link) into `dir` durable. Best effort: Windows cannot open a
 * directory, some file systems refuse fsync on one.
 */
export async function syncDir(dir: string, fs: NonNullable<FsOptions["fs"]> = defaultFs): Promise<void> {
  let handle: FileHandleLike | undefined;
  try {
    handle = await fs.open(dir, "r");
    await flush(handle);
  } catch {
    // Unsupported here: the data is already safe in the renamed file; only the rename's durability is weaker.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
