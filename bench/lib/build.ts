/**
 * One `rigup build` in-process (src/build.ts, the CLI's own path) with a real
 * MeshyClient over loopback, instrumented from the outside: the client's rate
 * limiter is timed and the executor's events are kept, so a slow run can be
 * explained with numbers rather than guesses.
 */
import { performance } from "node:perf_hooks";
import { build } from "../../src/app/build.js";
import type { ExecEvent, RunSummary } from "../../src/execute/events.js";
import { MESHY_CLIENT_DEFAULTS, MeshyClient } from "../../src/meshy/client.js";
import { RateLimiter } from "../../src/meshy/rate-limit.js";
import { openProject } from "../../src/app/project.js";

/** The client's limiter, timing how long each request waited for a slot. */
export class TimedLimiter extends RateLimiter {
  acquired = 0;
  waitedMs = 0;
  maxPending = 0;

  override async acquire(signal?: AbortSignal): Promise<void> {
    const t = performance.now();
    this.maxPending = Math.max(this.maxPending, this.pending + 1);
    await super.acquire(signal);
    this.acquired++;
    this.waitedMs += performance.now() - t;
  }
}

export interface BuildRun {
  wallMs: number;
  summary: RunSummary;
  events: ExecEvent[];
  limiter: TimedLimiter;
}

export interface BuildRunOptions {
  concurrency: number;
  requestsPerSecond: number;
}

export async function runBuild(dir: string, api: { url: string; apiKey: string }, opts: BuildRunOptions): Promise<BuildRun> {
  const project = await openProject({
    cwd: dir,
    env: { MESHY_API_BASE: api.url, MESHY_API_KEY: api.apiKey },
    flags: { concurrency: opts.concurrency, requestsPerSecond: opts.requestsPerSecond },
  });
  // The client's own limiter, as it builds it (API requests only: downloads skip it), timed.
  const limiter = new TimedLimiter({ limit: opts.requestsPerSecond, windowMs: MESHY_CLIENT_DEFAULTS.rateWindowMs });
  const client = new MeshyClient({ baseUrl: api.url, apiKey: api.apiKey, apiVersion: 2, rateLimiter: limiter });
  const events: ExecEvent[] = [];
  const t = performance.now();
  try {
    const result = await build({
      project,
      api: client,
      target: "meshy",
      policy: { yes: true, interactive: false },
      onEvent: (e) => events.push(e),
    });
    if (result.kind !== "done") throw new Error(`build refused: ${result.message}`);
    const { summary } = result;
    if (summary.failed + summary.blocked > 0) {
      const why = events.flatMap((e) => (e.type === "unit:done" && e.outcome === "failed" ? [`${e.key}: ${e.code} ${e.message}`] : []));
      throw new Error(`build had ${summary.failed} failed and ${summary.blocked} blocked units\n${why.join("\n")}`);
    }
    return { wallMs: performance.now() - t, summary, events, limiter };
  } finally {
    await client.close();
  }
}

/** Where a task slot's time went, from the executor's events (ms, means over tasks). */
export function slotBreakdown(run: BuildRun, durationOf: (key: string) => number) {
  const intent = new Map<string, number>();
  const created = new Map<string, number>();
  let post = 0;
  let overrun = 0;
  let n = 0;
  let lastFinish = 0;
  for (const e of run.events) {
    if (e.type === "task:intent") intent.set(e.key, e.at);
    else if (e.type === "task:created") created.set(e.key, e.at);
    else if (e.type === "task:finished") {
      n++;
      post += created.get(e.key)! - intent.get(e.key)!;
      // After the answer: the task's own duration, then whatever it took to learn it ended and journal it.
      overrun += e.at - created.get(e.key)! - durationOf(e.key);
      lastFinish = Math.max(lastFinish, e.at);
    }
  }
  const runEnd = run.events.at(-1)!.at;
  return { tasks: n, postMs: post / n, overrunMs: overrun / n, downloadTailMs: runEnd - lastFinish };
}
