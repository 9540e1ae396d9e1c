/** Finding library actions by what a user called them: "did you mean" for a name where an id belongs. */
import { editDistance } from "../diagnostics/suggest.js";
import type { LibraryAction } from "../meshy/schemas.js";

/** Up to 3 actions whose name matches `name` ignoring case and separators, or is a typo of it, or contains it. */
function actionsNamedLike(name: string, actions: readonly LibraryAction[]): LibraryAction[] {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_|_$/g, "");
  const wanted = norm(name);
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  const scored = actions
    .map((a) => {
      const n = norm(a.name);
      const d = editDistance(wanted, n);
      return { a, score: d <= limit ? d : n.includes(wanted) || (wanted.length > 3 && wanted.includes(n)) ? limit + 1 : Infinity };
    })
    .filter((s) => s.score !== Infinity)
    .sort((x, y) => x.score - y.score || x.a.action_id - y.a.action_id);
  return scored.slice(0, 3).map((s) => s.a);
}

/** How an action is named in hints: `0 (Idle)`. */
export function actionLabel(a: LibraryAction): string {
  return `${a.action_id} (${a.name})`;
}

/** "did you mean 0 (Idle) or 11 (Idle_02)?" for what a user called an action; undefined when nothing is named like it. */
export function didYouMeanAction(name: string, actions: readonly LibraryAction[]): string | undefined {
  const named = actionsNamedLike(name, actions);
  return named.length > 0 ? `did you mean ${named.map(actionLabel).join(" or ")}?` : undefined;
}
