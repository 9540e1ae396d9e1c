/**
 * A request-rate limiter shared by every API call of a client (asset downloads
 * are not API requests and skip it) and, if passed around, by every client of a run.
 * Meshy counts requests per second per account (docs/meshy-api.md §5.3: 20/s on
 * most tiers), so the limiter keeps a sliding log of grants: never more than
 * `limit` grants in any `windowMs` window, which a token bucket cannot promise
 * (a full bucket plus refill lets almost 2x through in one second).
 */
import { sleep as realSleep } from "../async/sleep.js";

export interface RateLimiterOptions {
  /** Grants per window. */
  limit: number;
  /** Window length, ms. Default 1000. */
  windowMs?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
  /** Waits for the window to move, injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
}

/**
 * @example
 * const limiter = new RateLimiter({ limit: 20 });
 * await limiter.acquire(signal); // then send one request
 */
export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Grant times inside the current window, oldest first (at most `limit`). */
  private readonly grants: number[] = [];
  /** FIFO, so a burst is served in arrival order. */
  private readonly waiters: Waiter[] = [];
  private draining = false;

  constructor(options: RateLimiterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError(`rate limit must be a positive integer, got ${options.limit}`);
    }
    this.limit = options.limit;
    this.windowMs = options.windowMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => realSleep(ms));
  }

  /** Resolves when one more request may be sent; rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
      if (!this.draining) void this.drain();
    });
  }

  /** Requests waiting for a slot (for progress display). */
  get pending(): number {
    return this.waiters.length;
  }

  /** One loop serves the queue, sleeping until the oldest grant leaves the window. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiters.length > 0) {
        const now = this.now();
        while (this.grants.length > 0 && this.grants[0]! <= now - this.windowMs) this.grants.shift();
        if (this.grants.length < this.limit) {
          this.grants.push(now);
          this.waiters.shift()!.resolve();
          continue;
        }
        await this.sleep(Math.max(1, this.grants[0]! + this.windowMs - now));
      }
    } catch (err) {
      // Only an injected sleep can fail; fail the waiters rather than hang them.
      for (const w of this.waiters.splice(0)) w.reject(err);
    } finally {
      this.draining = false;
    }
  }
}
