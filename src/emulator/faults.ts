/**
 * Fault injection: rate-based faults drawn from a seeded PRNG, and scripted
 * faults by request count (the n-th request of an endpoint), as undici's tests
 * script their servers. Both can be changed at runtime (admin endpoint).
 */
import { z } from "zod";
import { createRandom } from "../gltf/random.js";

const Rate = z.number().min(0).max(1);

export const FAULT_KINDS = ["429", "500", "502", "503", "lost-answer", "drop-stream", "expired-url"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const ScriptedFaultSchema = z.strictObject({
  /** Endpoint key as counted in stats, e.g. "POST /openapi/v2/rigging", "GET /openapi/v2/tasks/:id/stream", "GET /openapi/v1/rigging/:id", "GET assets". */
  match: z.string().min(1),
  /** 1-based: the n-th request matching `match`, counted from when the script was set. */
  nth: z.number().int().positive(),
  /**
   * "429" | "500" | "502" | "503": answer that status instead of handling the request.
   * "lost-answer": handle the request (a POST creates its task), then destroy the socket unanswered.
   * "drop-stream": SSE: destroy the connection after the first event; assets: after half the body.
   * "expired-url": assets: answer 403 as for an expired signed URL.
   */
  fault: z.enum(FAULT_KINDS),
});
export type ScriptedFault = z.infer<typeof ScriptedFaultSchema>;

export const FaultsSchema = z.strictObject({
  /** Share of API requests answered 429 rate_limit_exceeded (v1: RateLimitExceeded). */
  rate429: Rate.default(0),
  /** Share of API requests answered 500, 502 or 503. */
  rate5xx: Rate.default(0),
  /** Share of SSE streams destroyed after their first event, without a terminal event. */
  dropStream: Rate.default(0),
  /** Share of create POSTs whose task is created but whose answer is lost (socket destroyed). */
  lostPost: Rate.default(0),
  /** Share of task reads whose asset URLs are issued already expired. */
  expiredUrls: Rate.default(0),
  /** Throttle asset downloads to this many bytes/s; 0 = full speed. */
  slowDownloadBps: z.number().int().nonnegative().default(0),
  /** Inputs whose rig tasks end FAILED: sha256 hex of the model bytes, or a substring of model_url / input_task_id. Animations: a rig_task_id. */
  failInputs: z.array(z.string().min(1)).default([]),
  /** Inputs refused with 422 "Pose estimation failed" (same matching as failInputs, rigs only). */
  rejectInputs: z.array(z.string().min(1)).default([]),
  script: z.array(ScriptedFaultSchema).default([]),
});
export type Faults = z.infer<typeof FaultsSchema>;
/** What callers pass to setFaults: any subset, validated. */
export const FaultsPatchSchema = FaultsSchema.partial();
export type FaultsPatch = z.input<typeof FaultsPatchSchema>;

/** Decides which fault, if any, hits a request. */
export class FaultInjector {
  private faults: Faults;
  private random: () => number;
  private scriptCounts = new Map<string, number>();
  /** Faults injected so far, by kind. */
  readonly injected: Record<string, number> = {};

  constructor(
    initial: Faults,
    private readonly seed: number,
  ) {
    this.faults = initial;
    this.random = createRandom(seed);
  }

  get current(): Faults {
    return this.faults;
  }

  /** Merges a validated patch. A new script restarts its request counts. */
  update(patch: FaultsPatch): Faults {
    const parsed = FaultsPatchSchema.parse(patch);
    this.faults = FaultsSchema.parse({ ...this.faults, ...parsed });
    if (parsed.script) this.scriptCounts.clear();
    return this.faults;
  }

  reset(initial: Faults): void {
    this.faults = initial;
    this.random = createRandom(this.seed);
    this.scriptCounts.clear();
    for (const k of Object.keys(this.injected)) delete this.injected[k];
  }

  /** Counts one request of `endpoint` and returns the scripted fault for it, if any. */
  scripted(endpoint: string): FaultKind | undefined {
    if (!this.faults.script.some((s) => s.match === endpoint)) return undefined;
    const n = (this.scriptCounts.get(endpoint) ?? 0) + 1;
    this.scriptCounts.set(endpoint, n);
    return this.faults.script.find((s) => s.match === endpoint && s.nth === n)?.fault;
  }

  /** One PRNG draw against a rate; 0 and 1 draw nothing, so enabling one fault does not shift another's sequence needlessly. */
  roll(rate: number): boolean {
    if (rate <= 0) return false;
    if (rate >= 1) return true;
    return this.random() < rate;
  }

  /** Picks a 5xx status for rate-based server errors. */
  pick5xx(): FaultKind {
    const statuses = ["500", "502", "503"] as const;
    return statuses[Math.floor(this.random() * statuses.length)]!;
  }

  count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }
}
