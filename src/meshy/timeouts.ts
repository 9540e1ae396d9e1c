/**
 * The Meshy client's time limits and their defaults: the one source of truth for
 * `MeshyClient` and for the `timeouts` setting of rigup's config (config/schema.ts),
 * which passes them to every client it makes. No imports: the config loads this
 * without loading the HTTP stack.
 */

export interface MeshyTimeouts {
  /** TCP/TLS connect, ms (only for the client's own Agent). */
  connectMs: number;
  /** From request sent to response headers, ms. */
  headersMs: number;
  /** Silence between body chunks, ms. */
  bodyMs: number;
  /** Silence on a task stream before falling back to polling; the server re-sends state about every 10 s (docs/meshy-api.md §4). */
  streamIdleMs: number;
}

export const MESHY_TIMEOUT_DEFAULTS = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 60_000,
  streamIdleMs: 30_000,
} as const satisfies MeshyTimeouts;

/** How long `waitForTask` waits for one task by default, queue time included (docs/meshy-api.md §6: allow up to an hour). */
export const TASK_WAIT_DEFAULT_MS = 60 * 60_000;
