/** `rigup refresh`: per recorded task, what Meshy said about it now; then the counts. */
import { isoDate } from "../plan/words.js";
import { jsonDocument, writeLines, type Output } from "./output.js";
import type { RefreshedTask } from "../app/refresh.js";

export function reportRefresh(tasks: readonly RefreshedTask[], out: Output): void {
  if (out.json) jsonDocument(out, { tasks });
  const lines = tasks.map((t) => {
    const which = t.current ? "" : " (past task)";
    const what =
      t.outcome === "alive"
        ? t.expiresAt
          ? `available until ${isoDate(t.expiresAt)}`
          : "available (expiry not known yet)"
        : t.outcome === "gone"
          ? "GONE at Meshy (deleted, or expired early): recorded; its files can only come from a new task"
          : t.outcome === "unchanged-gone"
            ? "gone (recorded earlier)"
            : `not read: ${t.message}`;
    return `${t.unit}: task ${t.taskId}${which}: ${what}`;
  });
  const errors = tasks.filter((t) => t.outcome === "error").length;
  lines.push(
    `rigup refresh: ${tasks.length} recorded tasks read, ${tasks.filter((t) => t.outcome === "gone").length} newly found gone${errors ? `, ${errors} not read` : ""}. Run \`rigup plan\` to see what that changes.`,
  );
  writeLines(out, lines);
}
