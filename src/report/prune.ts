/** `rigup prune`: per pruned unit, the files deleted (or that would be) and its lock entry; then the counts. */
import { jsonDocument, writeLines, type Output } from "./output.js";
import type { PruneResult } from "../app/prune.js";

export function reportPrune(result: PruneResult, out: Output): void {
  if (out.json) jsonDocument(out, result);
  const apply = result.applied;
  const lines: string[] = [];
  const verb = apply ? "deleted" : "would delete";
  for (const item of result.items) {
    lines.push(`- ${item.key}: ${item.reasons.join("; ")}`);
    for (const p of item.paths) lines.push(`    ${verb} ${p}`);
    for (const p of item.refused) lines.push(`    refused ${p}: outside the output directory (check characters.lock)`);
    if (item.lockEntry) lines.push(`    ${apply ? "retired" : "would retire"} its characters.lock entry (task ids kept)`);
  }
  const refused = result.items.reduce((n, i) => n + i.refused.length, 0);
  if (result.items.length === 0) lines.push("Nothing to prune.");
  else if (!apply)
    lines.push(
      `${result.deleted.length} files and ${result.lockEntries.length} lock entries to retire. Run \`rigup prune --apply\` to delete them.`,
    );
  else
    lines.push(
      `Pruned ${result.deleted.length} files, ${result.removedDirs.length} empty folders; retired ${result.lockEntries.length} lock entries (task ids kept).`,
    );
  if (refused > 0) lines.push(`Refused ${refused} path${refused === 1 ? "" : "s"} outside the output directory.`);
  writeLines(out, lines);
}
