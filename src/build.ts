/**
 * `rigup build` without the terminal: take the writer lock, plan against the
 * lockfile as it is on disk now, apply the spend policy, execute, release.
 * The CLI picks the reporter and the exit code from what this returns.
 */
import { hostname } from "node:os";
import { acquireWriterLock } from "./lockfile/writer-lock.js";
import { LockStore } from "./lockfile/store.js";
import type { MeshyApi } from "./meshy/api.js";
import { CREDITS } from "./meshy/schemas.js";
import { planProject, type Project } from "./project.js";
import { filterPlan } from "./plan/filter.js";
import type { Plan, PlanStep } from "./plan/types.js";
import type { EventSink, RunSummary } from "./execute/events.js";
import { removeStaleTempFiles } from "./execute/download.js";
import { execute } from "./execute/executor.js";
import { lockJournal } from "./execute/journal.js";
import { decideSpend, worstCaseCredits, type SpendPolicy } from "./execute/policy.js";

export interface BuildOptions {
  project: Project;
  api: MeshyApi;
  policy: SpendPolicy;
  /** Asked when the policy wants consent; absent means nobody can answer. */
  confirm?: (question: string) => Promise<boolean>;
  /** Sees the plan before anything runs (to print it). */
  onPlan?: (plan: Plan) => void;
  onEvent?: EventSink;
  signal?: AbortSignal;
  resendUnknown?: boolean;
  /** Keep only these steps (`--shard`); the plan is filtered before the policy sees it. */
  filter?: (step: PlanStep) => boolean;
  now?: () => number;
  command?: string;
}

export type BuildResult =
  | { kind: "done"; plan: Plan; summary: RunSummary }
  | { kind: "refused"; plan: Plan; message: string; steps?: PlanStep[] };

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const { project } = opts;
  const { settings } = project;
  const now = opts.now ?? Date.now;
  const writer = await acquireWriterLock(settings.lockfile, {
    pid: process.pid,
    hostname: hostname(),
    now: now(),
    command: opts.command ?? "rigup build",
  });
  try {
    await removeStaleTempFiles(settings.outDir);
    // Plan against the lockfile as it is now that we hold it, not as first read.
    const store = await LockStore.open(settings.lockfile);
    const planned = await planProject(project, { lock: store.lock, now: now() });
    const plan = opts.filter ? filterPlan(planned.plan, opts.filter) : planned.plan;
    opts.onPlan?.(plan);

    const decision = decideSpend(plan, opts.policy, worstCaseCredits(plan, (s) => CREDITS[s.kind]));
    if (decision.kind === "refuse") return { kind: "refused", plan, message: decision.message, steps: decision.steps };
    if (decision.kind === "ask" && !(opts.confirm && (await opts.confirm(decision.question)))) {
      return { kind: "refused", plan, message: "not confirmed; nothing was sent" };
    }

    const summary = await execute({
      plan,
      manifest: project.resolved,
      manifestDir: settings.manifestDir,
      outDir: settings.outDir,
      api: opts.api,
      journal: lockJournal(store),
      concurrency: settings.concurrency,
      resendUnknown: opts.resendUnknown,
      // The policy refused every create/replace; this also stops a lost create that turns out never to have happened.
      noCreate: opts.policy.frozen,
      signal: opts.signal,
      onEvent: opts.onEvent,
      now,
      onFileWritten: (path, facts) => planned.statCache.record(path, facts),
    });
    await planned.statCache.save();
    return { kind: "done", plan, summary };
  } finally {
    await writer.release();
  }
}

/** Whether a build has anything to run: prune steps are `rigup prune`'s, not the build's. */
export function needsRun(plan: Plan): boolean {
  return plan.steps.some((s) => s.action !== "noop" && s.action !== "prune");
}
