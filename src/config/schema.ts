/**
 * rigup's tool config (`rigup.config.*`, `.riguprc*`, `"rigup"` in package.json):
 * how to run, never what to build (that is characters.yaml), and never the API
 * key or where it comes from (the user's environment, flags or key file only, so
 * a committed config can neither hold the key nor send a file of the user's as one).
 */
import { z } from "zod";
import { MESHY_API_ORIGIN } from "./api-origin.js";
import { MESHY_TIMEOUT_DEFAULTS, TASK_WAIT_DEFAULT_MS } from "../meshy/timeouts.js";

/**
 * Tasks an account may have in flight (PENDING + IN_PROGRESS) by Meshy plan
 * (docs/meshy-api.md §5.3, CONFIRMED); v1 and v2 share them. rigup's task slots default to it.
 */
export const PLAN_TASK_LIMITS = { pro: 10, studio: 60, premium: 30, ultra: 100, enterprise: 100 } as const;
export type MeshyPlan = keyof typeof PLAN_TASK_LIMITS;

export const CONFIG_DEFAULTS = {
  apiBase: MESHY_API_ORIGIN,
  /** Meshy switches v1 off on 2027-03-15. */
  apiVersion: 2,
  meshyPlan: "pro",
  outDir: "out",
  lockfile: "characters.lock",
  // docs/meshy-api.md §5.3: 20 requests/s on most tiers.
  requestsPerSecond: 20,
  // The Meshy client's own defaults (meshy/timeouts.ts): one source of truth.
  timeouts: { ...MESHY_TIMEOUT_DEFAULTS, taskMs: TASK_WAIT_DEFAULT_MS },
} as const;

/** Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
const msSchema = (fallback: number, description: string) =>
  z
    .number()
    .int()
    .positive()
    .max(MAX_TIMER_MS)
    .default(fallback)
    .meta({ description: `${description} Milliseconds.` });

/** The Meshy client's time limits (every MeshyClient rigup makes gets them: config/meshy-client.ts). */
export const TimeoutsSchema = z
  .strictObject({
    connectMs: msSchema(CONFIG_DEFAULTS.timeouts.connectMs, "Connecting to the API (TCP and TLS)."),
    headersMs: msSchema(CONFIG_DEFAULTS.timeouts.headersMs, "From sending a request to the start of its answer (the response headers)."),
    bodyMs: msSchema(CONFIG_DEFAULTS.timeouts.bodyMs, "Silence while an answer or a download arrives."),
    streamIdleMs: msSchema(CONFIG_DEFAULTS.timeouts.streamIdleMs, "Silence on a task's event stream before falling back to polling."),
    taskMs: msSchema(CONFIG_DEFAULTS.timeouts.taskMs, "How long to wait for one task to finish, queue time included."),
  })
  .meta({ description: "Time limits of rigup's requests to Meshy." });
export type Timeouts = z.infer<typeof TimeoutsSchema>;

const StoreUrlSchema = z
  .string()
  .min(1)
  // Any other scheme (http://, gs://) is a mistake, not a folder named "http:".
  .refine((u) => /^(s3:\/\/[^\s/]+(\/\S*)?|file:\/\/\/\S*)$/.test(u) || !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(u), {
    message: "must be s3://bucket[/prefix], file:///path, or a folder path",
  })
  .meta({ description: "s3://bucket/prefix (S3 or an S3-compatible store), file:///path or a folder path (relative to characters.yaml)." });

/**
 * The team store (README "Team store"). Credentials never come from here: only from
 * the AWS SDK's standard chain (environment, shared config/SSO, instance roles).
 */
export const StoreSchema = z
  .union([
    StoreUrlSchema,
    z.strictObject({
      url: StoreUrlSchema,
      region: z.string().min(1).optional().meta({ description: "S3 region (default: the AWS SDK's, or us-east-1)." }),
      endpoint: z
        .string()
        .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), { message: "must be an http(s):// URL" })
        .optional()
        .meta({
          description: "S3-compatible endpoint (Cloudflare R2, MinIO, GCS interop), e.g. https://ACCOUNT.r2.cloudflarestorage.com.",
        }),
      forcePathStyle: z
        .boolean()
        .optional()
        .meta({ description: "Path-style bucket addressing (MinIO and most self-hosted stores need it)." }),
    }),
  ])
  .meta({ description: "Where every output is kept beyond Meshy's 3 days, keyed by content, shared by the team." });

/** The store setting in its long form, as rigup uses it once a bare URL is expanded. */
export type StoreSettings = Exclude<z.infer<typeof StoreSchema>, string>;

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: "JSON Schema reference for editors; ignored by rigup." }),
    apiBase: z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/, { message: "must be an http(s):// URL without a query" })
      .refine((s) => URL.canParse(s), { message: "must be a valid URL" })
      .default(CONFIG_DEFAULTS.apiBase)
      .meta({
        description: `Meshy API base URL. In a config file only ${MESHY_API_ORIGIN} or a loopback emulator (http://127.0.0.1:PORT); any other API must be named by --api-base or MESHY_API_BASE.`,
      }),
    apiVersion: z
      .union([z.literal(1), z.literal(2)])
      .default(CONFIG_DEFAULTS.apiVersion)
      .meta({ description: "Meshy API version: 2 (default), or 1 for as long as Meshy serves it (until 2027-03-15)." }),
    meshyPlan: z
      .enum(Object.keys(PLAN_TASK_LIMITS) as [MeshyPlan, ...MeshyPlan[]])
      .default(CONFIG_DEFAULTS.meshyPlan)
      .meta({
        description:
          "Your Meshy plan: sets how many tasks rigup keeps in flight (pro 10, premium 30, studio 60, ultra and enterprise 100) unless `concurrency` says otherwise.",
      }),
    outDir: z
      .string()
      .min(1)
      .default(CONFIG_DEFAULTS.outDir)
      .meta({ description: "Where outputs are written, relative to characters.yaml's directory." }),
    lockfile: z
      .string()
      .min(1)
      .default(CONFIG_DEFAULTS.lockfile)
      .meta({ description: "The lockfile, relative to characters.yaml's directory." }),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: "Tasks kept in flight at once (default: your meshyPlan's limit; the account's limit applies too)." }),
    requestsPerSecond: z
      .number()
      .positive()
      .max(1000)
      .default(CONFIG_DEFAULTS.requestsPerSecond)
      .meta({ description: "Client-side rate limit for API requests (Meshy allows 20/s on most tiers)." }),
    timeouts: TimeoutsSchema.prefault({}),
    store: StoreSchema.optional(),
  })
  .meta({
    title: "rigup config",
    description: "How rigup runs: API endpoint, output and lockfile locations, concurrency, timeouts.",
  });
/** The config after defaults. */
export type Config = z.infer<typeof ConfigSchema>;
