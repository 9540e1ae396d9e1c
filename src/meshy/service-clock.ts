/**
 * Meshy's clock as its API answers tell it (the `Date` header), so that task times
 * (`created_at`) are compared with times on the same clock. A local clock minutes
 * off must never decide whether a lost create made a task.
 */

/** `Date` has whole seconds, and the answer took a moment to arrive: how far an estimate may be off. */
export const SERVICE_CLOCK_MARGIN_MS = 2_000;

export class ServiceClock {
  #offsetMs: number | undefined;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** Learns the offset from an API answer's `Date` header (ignored when absent or unparsable). */
  observe(dateHeader: string | string[] | undefined): void {
    const text = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
    const ms = text ? Date.parse(text) : Number.NaN;
    // The header is truncated to the second: the mid-point of that second is the best estimate.
    if (Number.isFinite(ms)) this.#offsetMs = ms + 500 - this.localNow();
  }

  /** Meshy's now, or undefined before any answer carried a `Date`. */
  now(): number | undefined {
    return this.#offsetMs === undefined ? undefined : this.localNow() + this.#offsetMs;
  }
}
