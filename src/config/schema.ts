/**
 * rigup's tool config (`rigup.config.*`, `.riguprc*`, `"rigup"` in package.json):
 * how to run, never what to build (that is characters.yaml) and never the API
 * key (environment or a key file only, so the key cannot be committed with the config).
 */
import { z } from "zod";

export const CONFIG_DEFAULTS = {
  apiBase: "https://api.meshy.ai",
  outDir: "out",
  lockfile: "characters.lock",
  concurrency: 10,
  // API-NOTES: 20 requests/s on most tiers.
  requestsPerSecond: 20,
  requestMs: 30_000,
  // The service re-sends the task state about every 10 s: three missed keep-alives mean the stream is dead.
  streamIdleMs: 35_000,
  taskMs: 60 * 60_000,
} as const;

const msSchema = (fallback: number, description: string) =>
  z.number().int().positive().default(fallback).meta({ description: `${description} Milliseconds.` });

export const TimeoutsSchema = z
  .strictObject({
    requestMs: msSchema(CONFIG_DEFAULTS.requestMs, "One HTTP request, from sending to the end of its answer."),
    streamIdleMs: msSchema(CONFIG_DEFAULTS.streamIdleMs, "Silence on a task's event stream before falling back to polling."),
    taskMs: msSchema(CONFIG_DEFAULTS.taskMs, "How long to wait for one task to finish, queue time included."),
  })
  .meta({ description: "Time limits." });
export type Timeouts = z.infer<typeof TimeoutsSchema>;

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: "JSON Schema reference for editors; ignored by rigup." }),
    apiBase: z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/, { message: "must be an http(s):// URL without a query" })
      .default(CONFIG_DEFAULTS.apiBase)
      .meta({ description: "Meshy API base URL (a local emulator's URL in tests)." }),
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
      .default(CONFIG_DEFAULTS.concurrency)
      .meta({ description: "Tasks waited on at once (the account's queue limit applies too)." }),
    requestsPerSecond: z
      .number()
      .positive()
      .max(1000)
      .default(CONFIG_DEFAULTS.requestsPerSecond)
      .meta({ description: "Client-side rate limit for API requests (Meshy allows 20/s on most tiers)." }),
    timeouts: TimeoutsSchema.prefault({}),
    apiKeyFile: z.string().min(1).optional().meta({
      description:
        "A file holding the Meshy API key, relative to this config file. Never put the key itself in the config: use MESHY_API_KEY or this file.",
    }),
  })
  .meta({
    title: "rigup config",
    description: "How rigup runs: API endpoint, output and lockfile locations, concurrency, timeouts.",
  });
/** The config after defaults. */
export type Config = z.infer<typeof ConfigSchema>;
