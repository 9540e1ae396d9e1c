/**
 * Emulator options: one zod schema shared by startEmulator() and the
 * `rigup emulator` command, so defaults live in one place.
 */
import { z } from "zod";
import { FaultsSchema } from "./faults.js";
import { V2_INFERRED } from "./inferred.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Task durations per speed preset, ms. "realistic" follows the API page's examples (~17 s rig, ~16 s animation). */
export const SPEED_PRESETS = {
  instant: { rigMs: 0, animationMs: 0 },
  fast: { rigMs: 1500, animationMs: 1000 },
  realistic: { rigMs: 17_000, animationMs: 16_000 },
} as const;

export const DEFAULT_API_KEY = "msy_emulator_local_key";

export const EmulatorOptionsSchema = z.strictObject({
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
  speed: z.enum(["instant", "fast", "realistic"]).default("fast"),
  /** Overrides the preset's rig duration. */
  rigMs: z.number().nonnegative().optional(),
  /** Overrides the preset's animation duration. */
  animationMs: z.number().nonnegative().optional(),
  /** Which API versions answer; the other's routes are unknown (404), as after Meshy switches v1 off on 2027-03-15. */
  apiVersions: z.enum(["both", "v1", "v2"]).default("both"),
  /** GET /openapi/v2/tasks answers `{"data": [...], "has_more": bool}` or a bare array (shape INFERRED, docs/meshy-api.md §4.3). */
  v2ListShape: z.enum(["envelope", "array"]).default(V2_INFERRED.listShape),
  /** Non-terminal tasks an account may have (docs/meshy-api.md §5.3: 10 on Pro); beyond: 429 NoMorePendingTasks (v1) / pending_task_limit_reached (v2). */
  queueLimit: z.number().int().positive().default(10),
  /**
   * Makes every account a no-credit "unlimited" plan allowing this many tasks in flight; beyond:
   * 429 concurrent_task_limit_reached (v2) / NoMoreConcurrentTasks (v1). Unset: a credit plan.
   */
  unlimitedPlanTaskLimit: z.number().int().positive().optional(),
  /** Starting credit balance per account (rig 5, animation 3); creates beyond it answer 402. Unset = unlimited. */
  credits: z.number().int().nonnegative().optional(),
  /** Tasks of an account running IN_PROGRESS at once; the rest wait PENDING. */
  concurrentTasks: z.number().int().positive().default(5),
  /** Requests per second per account (docs/meshy-api.md §5.3: 20 on most tiers); 0 = unlimited. */
  rateLimit: z.number().nonnegative().default(20),
  /** Lifetime of signed asset URLs. */
  urlTtlMs: z
    .number()
    .positive()
    .default(60 * 60 * 1000),
  /**
   * docs/meshy-api.md §6.3: rigs too are kept 3 days (both versions' examples); the older page's
   * 2 months is what a longer value rehearses.
   */
  rigRetentionMs: z
    .number()
    .positive()
    .default(3 * DAY_MS),
  /** docs/meshy-api.md §6.3: results are kept 3 days. */
  animationRetentionMs: z
    .number()
    .positive()
    .default(3 * DAY_MS),
  /** Meshy's clock minus real time, ms: a client whose clock runs ahead sees a negative skew. Task times and `Date` follow it. */
  clockSkewMs: z.number().int().default(0),
  /** The real stream re-sends the current state about every 10 s. */
  keepAliveMs: z.number().positive().default(10_000),
  /** The key printed for users; accepted even when apiKeys is set. */
  apiKey: z.string().min(1).default(DEFAULT_API_KEY),
  /** When set, only these keys (and apiKey) are accepted; otherwise any key starting with "msy_". */
  apiKeys: z.array(z.string().min(1)).optional(),
  /** Seed of the PRNG behind rate-based faults and of URL signing. */
  seed: z.number().int().default(1),
  /** Create bodies above this size answer 413 (model data URIs run to ~150 MB). */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(160 * 1024 * 1024),
  faults: FaultsSchema.default(FaultsSchema.parse({})),
  /** Keep tasks in this file across runs (the built-in emulator of `rigup build --emulator`); unset: in memory only. */
  stateFile: z.string().min(1).optional(),
});
export type EmulatorOptions = z.input<typeof EmulatorOptionsSchema>;
export type ResolvedOptions = z.infer<typeof EmulatorOptionsSchema>;

/** Per-kind durations after applying the preset and overrides. */
export function taskDurations(o: ResolvedOptions): { rig: number; animation: number } {
  const preset = SPEED_PRESETS[o.speed];
  return { rig: o.rigMs ?? preset.rigMs, animation: o.animationMs ?? preset.animationMs };
}
