/**
 * `rigup lock merge` without the terminal: read lockfiles (shard artifacts, or
 * one holding git conflict markers), merge them so no task id is lost, write
 * the result atomically. The CLI picks the files and prints the report.
 */
import { readFile } from "node:fs/promises";
import { UserError } from "../diagnostics/errors.js";
import { errorCode } from "../fs/fs-like.js";
import { hasConflictMarkers, serializeLockfile } from "./format.js";
import { mergeLockfileText, mergeLockfiles } from "./merge.js";
import { emptyLockfile, type Lockfile } from "./schema.js";
import { writeLockfile } from "./write.js";
import { withWriterLock } from "./writer-lock.js";

export interface MergeFilesOptions {
  inputs: string[];
  /**
   * Where the result goes. If it exists it is merged in too (and must be a
   * lockfile): overwriting it with less would drop task ids it records.
   */
  output: string;
  /** Take the writer lock on `output` (it is the project's lockfile, which a build may be writing). */
  writerLock?: boolean;
  command?: string;
}

export interface MergeFilesReport {
  output: string;
  /** Every file read, the output included when it existed. */
  read: string[];
  /** Files that held git conflict markers (resolved). */
  conflicted: string[];
  units: number;
  /** Distinct task ids in the result, current and in history. */
  taskIds: number;
  /** False when the output already had exactly this content (not rewritten). */
  changed: boolean;
}

/** Merges `inputs` (and an existing `output`) into `output`. Throws UserError NOT_A_LOCKFILE / FILE_NOT_FOUND. */
export async function mergeLockfileFiles(opts: MergeFilesOptions): Promise<MergeFilesReport> {
  const merge = async (): Promise<MergeFilesReport> => {
    const existing = await readFile(opts.output, "utf8").catch((err: unknown) => {
      if (errorCode(err) === "ENOENT") return undefined;
      throw err;
    });
    const texts = new Map<string, string>();
    if (existing !== undefined) texts.set(opts.output, existing);
    for (const file of opts.inputs) if (!texts.has(file)) texts.set(file, await readInput(file));

    let merged: Lockfile = emptyLockfile();
    const conflicted: string[] = [];
    for (const [file, text] of texts) {
      if (hasConflictMarkers(text)) conflicted.push(file);
      merged = mergeLockfiles(merged, parseForMerge(text, file));
    }
    const out = serializeLockfile(merged);
    const changed = out !== existing;
    if (changed) await writeLockfile(opts.output, merged);
    return { output: opts.output, read: [...texts.keys()], conflicted, ...count(merged), changed };
  };
  return opts.writerLock ? withWriterLock(opts.output, { command: opts.command ?? "rigup lock merge" }, merge) : merge();
}

async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if (errorCode(err) !== "ENOENT") throw err;
    throw new UserError("FILE_NOT_FOUND", `${file}: no such file`, {
      hint: "Pass the characters.lock files written by `rigup build` (e.g. each shard's artifact).",
    });
  }
}

/**
 * A lockfile's text, conflict markers resolved. Anything else (a manifest, a
 * GLB, an empty file) is refused: merging it would mean writing a lockfile
 * that silently lost what the output held.
 */
function parseForMerge(text: string, file: string): Lockfile {
  const notALockfile = (why: string) =>
    new UserError("NOT_A_LOCKFILE", `${file} is not a rigup lockfile: ${why}`, {
      diagnostics: [{ file, message: why }],
      hint: "`rigup lock merge` takes characters.lock files written by `rigup build`; nothing was written.",
    });
  // Every lockfile rigup writes has a version line; an empty or comment-only file is not one.
  if (!text.split("\n").some((line) => line.trim() !== "" && !line.startsWith("#"))) throw notALockfile("it has no lockfile_version line");
  try {
    return mergeLockfileText(text, file);
  } catch (err) {
    if (err instanceof UserError && err.code === "LOCKFILE_INVALID") throw notALockfile(err.message.replace(`${file} `, ""));
    throw err;
  }
}

function count(lock: Lockfile): { units: number; taskIds: number } {
  let units = 0;
  const ids = new Set<string>();
  for (const c of Object.values(lock.characters)) {
    for (const unit of [c.rig, ...Object.values(c.animations)]) {
      if (!unit) continue;
      units++;
      if (unit.task_id) ids.add(unit.task_id);
      for (const past of unit.history ?? []) ids.add(past.task_id);
    }
  }
  return { units, taskIds: ids.size };
}
