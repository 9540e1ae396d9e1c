/**
 * `rigup lock merge`: combine the lockfiles of CI shards, or resolve a git merge
 * conflict in the project's lockfile in place, keeping every task id either side
 * paid for. The project's lockfile is written under the writer lock.
 */
import path from "node:path";
import { resolveSettings } from "../config/load.js";
import { UserError } from "../diagnostics/errors.js";
import { mergeLockfileFiles, type MergeFilesReport } from "../lockfile/merge-files.js";
import type { ProjectOptions } from "./project.js";

export interface LockMergeOptions {
  /** Lockfiles to merge (relative to `cwd`); none: resolve the project's lockfile in place. */
  files: string[];
  /** Where the result goes (default: the project's lockfile). */
  output?: string;
  /** `--git`: resolve in place (the default without files). */
  git?: boolean;
}

export interface LockMergeResult extends MergeFilesReport {
  /** The project's lockfile was resolved in place (no files given). */
  inPlace: boolean;
}

/** `opts.manifest`: the manifest that finds the project's lockfile and config. */
export async function mergeLocks(opts: ProjectOptions, o: LockMergeOptions): Promise<LockMergeResult> {
  if (o.git && o.files.length > 0) {
    throw new UserError("USAGE", "--git resolves the project's lockfile in place; it takes no files", {
      hint: "Run `rigup lock merge --git`, or `rigup lock merge FILE... -o OUT` to combine lockfiles.",
    });
  }
  const settings = await resolveSettings({
    manifestFile: opts.manifest ?? "characters.yaml",
    flags: opts.flags ?? {},
    env: opts.env,
    cwd: opts.cwd,
  });
  const inputs = o.files.length > 0 ? o.files.map((f) => path.resolve(opts.cwd, f)) : [settings.lockfile];
  const output = o.output ? path.resolve(opts.cwd, o.output) : settings.lockfile;
  const report = await mergeLockfileFiles({ inputs, output, writerLock: output === settings.lockfile });
  return { ...report, inPlace: o.files.length === 0 };
}
