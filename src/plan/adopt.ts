/**
 * Rule 12 (money, across machines): before paying for a unit, look it up in the team
 * store's registry. A unit the team already paid for, on any branch or machine, with
 * the same inputs (a clip: on the same rig task) is taken into the lockfile and its
 * outputs restored from the store, for 0 credits.
 */
import type { UnitRef } from "../store/record.js";
import { recordCovers } from "../store/record.js";
import { isKnownAlive } from "./expiry.js";
import type { StoreView } from "./store-view.js";
import { isPaid, type UnitDecision } from "./unit.js";
import { isoDate } from "./words.js";

/**
 * A paid decision becomes a restore when the registry has the unit with every wanted
 * role. `alive`: only a record whose task Meshy still keeps serves (a rig new clips
 * will be made on).
 */
export function adoptFromStore(
  d: UnitDecision,
  store: StoreView | undefined,
  ref: UnitRef | undefined,
  roles: readonly string[],
  { now, alive = false }: { now: number; alive?: boolean },
): UnitDecision {
  if (store === undefined || ref === undefined || !isPaid(d)) return d;
  const record = store.record(ref);
  if (!record || !recordCovers(record, roles)) return d;
  if (alive && !isKnownAlive(record.expires_at, now)) return d;
  const adopted: UnitDecision = {
    action: "restore",
    reasons: [
      ...d.reasons,
      `the team already paid for it: task ${record.task_id}, recorded in the store by ${record.recorded_by} on ${isoDate(record.recorded_at)}; restored from there (0 credits)`,
    ],
    missing: [...roles],
    taskId: record.task_id,
    adopt: record,
  };
  if (record.expires_at) adopted.expiresAt = record.expires_at;
  return adopted;
}
