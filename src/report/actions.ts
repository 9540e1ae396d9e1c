/**
 * `rigup actions`: the library as a table on stdout (that table is the output), or
 * JSON with where it came from; notes (a stale list, which list was used) on stderr.
 */
import { describeSource } from "../actions/cache.js";
import type { LibraryAction } from "../meshy/schemas.js";
import { jsonDocument, type Output } from "./output.js";
import type { ActionList } from "../app/actions.js";

export function reportActions(list: ActionList, out: Output): void {
  const { loaded, actions } = list;
  if (loaded.warning) out.stderr.write(`warning: ${loaded.warning}\n`);
  const snapshot = list.snapshotTaken !== undefined ? { snapshot_taken: list.snapshotTaken } : {};
  if (out.json) jsonDocument(out, { fetched_at: loaded.fetchedAt, from: loaded.from, ...snapshot, cache: list.cache, actions });
  else out.stdout.write(actionsTable(actions));
  const hint = loaded.from === "snapshot" && list.keyless ? "; set MESHY_API_KEY to fetch the current library" : "";
  out.stderr.write(`${actions.length} of ${loaded.actions.length} actions, from ${describeSource(loaded, list.cache, list.now)}${hint}.\n`);
}

function actionsTable(actions: readonly LibraryAction[]): string {
  const rows = [
    ["id", "name", "category", "sub-category"],
    ...actions.map((a) => [String(a.action_id), a.name, a.category ?? "", a.sub_category ?? ""]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => (i === 0 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}
