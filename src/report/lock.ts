/** `rigup lock merge`: what was merged into which file, or that a git conflict was resolved (and what to do next). */
import path from "node:path";
import type { MergeFilesReport } from "../lockfile/merge-files.js";
import type { Output } from "./output.js";

/** A merge's report (lockfile/merge-files.ts), and whether the project's lockfile was resolved in place. */
export type LockMergeView = MergeFilesReport & { inPlace: boolean };

export function reportLockMerge(r: LockMergeView, out: Output): void {
  const shown = path.relative(out.cwd, r.output) || r.output;
  const totals = `${r.units} units, ${r.taskIds} task ids`;
  if (r.inPlace) {
    out.stderr.write(
      r.conflicted.length === 0
        ? `${shown} has no merge conflict; nothing to do.\n`
        : `Resolved the merge conflict in ${shown}: every task id from both sides is kept (${totals}).\n` +
            `Check it with \`rigup plan\`, then \`git add ${shown}\`.\n`,
    );
  } else {
    out.stderr.write(`Merged ${r.read.length} lockfiles into ${shown}: ${totals}${r.changed ? "" : " (already up to date)"}.\n`);
  }
}
