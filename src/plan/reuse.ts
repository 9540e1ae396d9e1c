/**
 * Rule 11 (money): before paying for a unit again, look for a task already made from
 * the same inputs that Meshy still keeps (API-NOTES: results expire, URLs are fetched
 * fresh from the task), and download from it instead.
 */
import type { UnitEntry } from "../lockfile/schema.js";
import { isoDate } from "./words.js";
import { isKnownAlive } from "./expiry.js";
import { isPaid, type UnitDecision } from "./unit.js";

interface Candidate {
  task_id: string;
  digest: string;
  rig_task_id?: string;
  expires_at?: number;
}

/**
 * The live task with this digest (and, for a clip, made on `rigTaskId`) that lives
 * longest, from the entry and its history.
 */
export function findReusableTask(
  entry: UnitEntry | undefined,
  digest: string,
  now: number,
  rigTaskId?: string,
): (Candidate & { expires_at: number }) | undefined {
  if (entry === undefined) return undefined;
  const candidates: Candidate[] = entry.history ? [...entry.history] : [];
  if (entry.state === "succeeded" && entry.task_id !== undefined) {
    candidates.push({ task_id: entry.task_id, digest: entry.digest, rig_task_id: "rig_task_id" in entry ? entry.rig_task_id : undefined, expires_at: entry.expires_at });
  }
  let best: (Candidate & { expires_at: number }) | undefined;
  for (const c of candidates) {
    if (c.digest !== digest || !isKnownAlive(c.expires_at, now)) continue;
    if (rigTaskId !== undefined && c.rig_task_id !== rigTaskId) continue;
    if (best === undefined || c.expires_at > best.expires_at) best = { ...c, expires_at: c.expires_at };
  }
  return best;
}

/**
 * Turns a paid decision into a free download when a reusable task exists.
 * `rigTaskId`: for a clip, the rig it must have been made on.
 */
export function applyReuse(
  d: UnitDecision,
  entry: UnitEntry | undefined,
  digest: string,
  now: number,
  rigTaskId?: string,
): UnitDecision {
  if (!isPaid(d)) return d;
  const found = findReusableTask(entry, digest, now, rigTaskId);
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
