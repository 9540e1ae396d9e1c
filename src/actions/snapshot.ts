/**
 * Meshy's animation library as shipped with rigup (library-snapshot.json): what
 * `plan` checks action ids against offline and without a key, what `rigup actions`
 * lists with no cache, and what the built-in emulator serves.
 */
import { z } from "zod";
import raw from "./library-snapshot.json" with { type: "json" };

const SnapshotActionSchema = z.strictObject({
  action_id: z.number().int().nonnegative(),
  name: z.string().min(1),
  category: z.string().min(1),
  sub_category: z.string().min(1),
});

export const SnapshotSchema = z.strictObject({
  about: z.string(),
  /** The day the list was taken (YYYY-MM-DD): ids Meshy added later are not in it. */
  taken: z.iso.date(),
  /** True when `actions` is the whole library of that day, not a verified part of it. */
  complete: z.boolean(),
  sources: z.array(z.url()).min(1),
  actions: z.array(SnapshotActionSchema).min(1),
});

export type Snapshot = z.infer<typeof SnapshotSchema>;

// Typed, not parsed: the compiler checks the shape, test/actions/catalogue.test.ts the rest
// (dates, URLs, unique ids). Parsing 678 entries on every plan would cost ~35 ms.
export const SNAPSHOT: Snapshot = raw;

const names = new Map(SNAPSHOT.actions.map((a) => [a.action_id, a.name]));

/**
 * An action's name for display ("Idle" for 0), or undefined for an id the
 * snapshot does not know (unknown, or newer than the snapshot).
 *
 * @example `action-${id}${actionName(id) ? ` · ${actionName(id)}` : ""}`
 */
export function actionName(actionId: number): string | undefined {
  return names.get(actionId);
}
