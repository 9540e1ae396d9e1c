/**
 * Task expiry (docs/meshy-api.md §6.3): results are kept for a while, then GET
 * answers 404 and an animation can no longer be made on that rig. `expires_at` is 0
 * until the service knows it, so 0 means unknown, not 1970.
 */
import { CREDITS } from "../meshy/schemas.js";
import { allClips, daysUntil, isoDate } from "./words.js";
import type { PlanWarning } from "./types.js";

/** True when the task is known to be gone. */
export function isExpired(expiresAt: number | undefined, now: number): boolean {
  return expiresAt !== undefined && expiresAt > 0 && expiresAt <= now;
}

/**
 * When a task's results stopped (or will stop) being available: `expires_at`, or
 * earlier when Meshy already answered 404 for it (`gone_at`: deleted, or expired early).
 */
export function availableUntil(t: { expires_at?: number; gone_at?: number }): number | undefined {
  const { expires_at: e, gone_at: g } = t;
  if (g === undefined) return e;
  return e !== undefined && e > 0 && e < g ? e : g;
}

/** Known to be available for a download after `now` (reuse needs a date to promise). */
export function isKnownAlive(expiresAt: number | undefined, now: number): expiresAt is number {
  return expiresAt !== undefined && expiresAt > now;
}

/**
 * Warns about a rig that is expired (its files are fine, but any new clip needs a
 * re-rig) or will be within `windowMs`.
 */
export function rigExpiryWarning(
  character: string,
  expiresAt: number | undefined,
  clips: number,
  now: number,
  windowMs: number,
): PlanWarning | undefined {
  if (expiresAt === undefined || expiresAt <= 0) return undefined;
  if (expiresAt <= now) {
    return {
      character,
      code: "rig-expired",
      expiresAt,
      message:
        `rig of ${character} expired on ${isoDate(expiresAt)}: its files are kept, but adding or re-making a clip ` +
        `will need a re-rig (${CREDITS.rig} credits) and re-making ${allClips(clips)} (${clips * CREDITS.animation} credits)`,
    };
  }
  if (expiresAt - now > windowMs) return undefined;
  const days = daysUntil(expiresAt, now);
  return {
    character,
    code: "rig-expiring",
    expiresAt,
    message: `rig of ${character} expires on ${isoDate(expiresAt)} (in ${days} day${days === 1 ? "" : "s"}): add actions before then or they will need a re-rig`,
  };
}
