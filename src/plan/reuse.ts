/**
 * Rule 11 (money): before paying for a unit again, look for a task already made from
 * the same inputs that Meshy still keeps (docs/meshy-api.md §6.3, §6.4: results expire, and
 * rigup keeps task ids, not URLs), and download from it instead.
 */
import type { Target, UnitEntry } from "../lockfile/schema.js";
import { madeBy } from "../lockfile/units.js";
import { isoDate } from "./words.js";
import { availableUntil, isKnownAlive } from "./expiry.js";
import { isPaid, type UnitDecision } from "./unit.js";

interface Candidate {
  task_id: string;
  made_by?: "emulator";
  digest: string;
  rig_task_id?: string;
  expires_at?: number;
  gone_at?: number;
}

/**
 * The live task with this digest (and, for a clip, made on `rigTaskId`) that lives
 * longest, from the entry and its history.
 */
export function findReusableTask(
  entry: UnitEntry | undefined,
  digest: string,
  now: number,
  { rigTaskId, target }: ReuseScope = {},
): (Candidate & { expires_at: number }) | undefined {
  if (entry === undefined) return undefined;
  const candidates: Candidate[] = entry.history ? [...entry.history] : [];
  if (entry.state === "succeeded" && entry.task_id !== undefined) {
    candidates.push({
      task_id: entry.task_id,
      made_by: entry.made_by,
      digest: entry.digest,
      rig_task_id: "rig_task_id" in entry ? entry.rig_task_id : undefined,
      expires_at: entry.expires_at,
      gone_at: entry.gone_at,
    });
  }
  let best: (Candidate & { expires_at: number }) | undefined;
  for (const c of candidates) {
    const until = availableUntil(c);
    if (c.digest !== digest || !isKnownAlive(until, now)) continue;
    if (rigTaskId !== undefined && c.rig_task_id !== rigTaskId) continue;
    if (target !== undefined && madeBy(c) !== target) continue;
    if (best === undefined || until > best.expires_at) best = { ...c, expires_at: until };
  }
  return best;
}

/** Which past tasks may serve: for a clip, made on `rigTaskId`; made where the build runs (`target`). */
export interface ReuseScope {
  rigTaskId?: string;
  target?: Target;
}

/** Turns a paid decision into a free download when a reusable task exists. */
export function applyReuse(
  d: UnitDecision,
  entry: UnitEntry | undefined,
  digest: string,
  now: number,
  scope: ReuseScope = {},
): UnitDecision {
  if (!isPaid(d)) return d;
  const found = findReusableTask(entry, digest, now, scope);
  if (found === undefined) return d;
  return {
    action: "download",
    reasons: [
      ...d.reasons,
      `inputs match task ${found.task_id} (still available until ${isoDate(found.expires_at)}): re-downloading instead of paying again`,
    ],
    // Another task's files differ byte for byte: fetch every role.
    missing: d.missing,
    taskId: found.task_id,
    expiresAt: found.expires_at,
  };
}
