/** Words shared by reasons. Dates always come from the timestamps in the input, never the local clock. */

const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` (UTC) of a Unix ms timestamp. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whole days from `now` until `ms`, rounded up (a task expiring in 2 hours expires "in 1 day"). */
export function daysUntil(ms: number, now: number): number {
  return Math.ceil((ms - now) / DAY_MS);
}

/** PlanInput.expiryWarningMs when not given: warn a week ahead. */
export const DEFAULT_EXPIRY_WARNING_MS = 7 * DAY_MS;

/** "its 1 clip", "all 4 clips". */
export function allClips(n: number): string {
  return n === 1 ? "its 1 clip" : `all ${n} clips`;
}
