/**
 * The emulator's server-side request quota: requests per second per account, over
 * a sliding 1 s window (docs/meshy-api.md §5.3: 20 req/s on most tiers, then 429
 * rate_limit_exceeded / RateLimitExceeded). Uses wall time, not the emulator clock,
 * so clock jumps do not reset anyone's budget. (The client's own limiter is
 * src/meshy/rate-limit.ts.)
 */
export class RequestQuota {
  private windows = new Map<string, number[]>();

  constructor(private readonly perSecond: number) {}

  /** Records the request and returns undefined, or the seconds to wait when over the limit (not recorded). */
  take(account: string, wallMs = Date.now()): number | undefined {
    if (this.perSecond <= 0) return undefined;
    const recent = (this.windows.get(account) ?? []).filter((t) => t > wallMs - 1000);
    this.windows.set(account, recent);
    if (recent.length >= this.perSecond) {
      // The oldest request leaves the window first; Retry-After is whole seconds, at least 1.
      return Math.max(1, Math.ceil((recent[recent.length - Math.floor(this.perSecond)]! + 1000 - wallMs) / 1000));
    }
    recent.push(wallMs);
    return undefined;
  }

  reset(): void {
    this.windows.clear();
  }
}
