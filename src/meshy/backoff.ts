/** Delays between retries and polls: exponential, capped, jittered. */

export interface BackoffPolicy {
  /** First delay, ms. */
  initialMs: number;
  /** Growth per attempt. */
  factor: number;
  /** Cap, ms. */
  maxMs: number;
  /** 0..1: the share of each delay that is randomised (0 = exact, 1 = full jitter). */
  jitter: number;
}

/** Polling a running task: the stream re-sends state about every 10 s (docs/meshy-api.md §4.1). */
export const POLL_DEFAULTS: BackoffPolicy = { initialMs: 2000, factor: 1.5, maxMs: 20_000, jitter: 0.2 };

/** Retrying a GET after a 5xx, a network error or an unhinted 429. */
export const RETRY_BACKOFF_DEFAULTS: BackoffPolicy = { initialMs: 500, factor: 2, maxMs: 10_000, jitter: 0.5 };

/**
 * The delay before retry/poll number `attempt` (0-based), jitter drawn from `random`.
 * Jitter only shortens the delay, so the cap holds.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** attempt);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(base * (1 - jitter * random()));
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unparseable; Meshy does not always send it.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === "") return undefined;
  const trimmed = raw.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
