/** Words shared by reasons. Dates always come from the timestamps in the input, never the local clock. */

export const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** `YYYY-MM-DD` (UTC) of a Unix ms timestamp. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:MM UTC` of a Unix ms timestamp: to the minute, for what happens within a day. */
export function isoDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** PlanInput.expiryWarningMs when not given: a day ahead (Meshy keeps rigs 3 days; a week would warn from the start). */
export const DEFAULT_EXPIRY_WARNING_MS = DAY_MS;

/** "its 1 clip", "all 4 clips". */
export function allClips(n: number): string {
  return n === 1 ? "its 1 clip" : `all ${n} clips`;
}
