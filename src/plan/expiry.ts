/**
 * Task expiry (docs/meshy-api.md §6.3): results are kept for a while, then GET
 * answers 404 and an animation can no longer be made on that rig. `expires_at` is 0
 * until the service knows it, so 0 means unknown, not 1970.
 */
import { HOUR_MS, isoDateTime } from "./words.js";
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
 * Warns about a rig that will expire within `windowMs`: the last chance to add clips to it. An
 * expired rig is no warning: Meshy keeps rigs 3 days, so that is where every rig spends most of its
 * life; its files are fine, and the plan that adds a clip to it says what the re-rig costs.
 */
export function rigExpiryWarning(character: string, expiresAt: number | undefined, now: number, windowMs: number): PlanWarning | undefined {
  if (expiresAt === undefined || expiresAt <= now || expiresAt - now > windowMs) return undefined;
  const hours = Math.ceil((expiresAt - now) / HOUR_MS);
  return {
    character,
    code: "rig-expiring",
    expiresAt,
    message: `rig of ${character} expires on ${isoDateTime(expiresAt)} (in ${hours} hour${hours === 1 ? "" : "s"}): add actions before then or they will need a re-rig`,
  };
}
