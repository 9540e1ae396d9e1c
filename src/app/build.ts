/**
 * `rigup build` without the terminal: take the writer lock, plan against the
 * lockfile as it is on disk now, apply the spend policy, execute, release.
 * The doors around it (build-project.ts for `rigup build`, pull.ts for `rigup
 * pull`) connect, show the run through the caller's view, and return the outcome.
 */
import { hostname } from "node:os";
import { relative, sep } from "node:path";
import { withWriterLock } from "../lockfile/writer-lock.js";
import type { MeshyApi } from "../meshy/api.js";
import { CREDITS } from "../meshy/schemas.js";
import { openLockStore, planProject, type Project } from "./project.js";
import { filterPlan } from "../plan/filter.js";
import type { MergeStep, Plan, PlanStep } from "../plan/types.js";
import type { Lockfile, Target, UnitEntry } from "../lockfile/schema.js";
import { countUnstored, getUnit, madeBy, storedObjects } from "../lockfile/units.js";
import type { EventSink, RunSummary } from "../execute/events.js";
import { removeStaleTempFiles } from "../outputs/write-output.js";
import { execute } from "../execute/executor.js";
import { lockJournal } from "../execute/journal.js";
import type { Ledger } from "../execute/ledger.js";
import { assertWritable, foldersWritten } from "../execute/writable.js";
import { applyPrune } from "./prune.js";
import { decideSpend, worstCaseCredits, type SpendPolicy } from "../execute/policy.js";
import { refuseLinksOutOf } from "../fs/inside-out.js";
import { checkPaidModels } from "./check-models.js";
import type { ObjectStore } from "../store/object-store.js";
import { pushOutputs } from "../execute/push-outputs.js";

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
  /** `--replace`: units to re-make on purpose (plan/types.ts). */
  replace?: readonly string[];
  /** Where the tasks are made (the built-in emulator, or Meshy); absent for `rigup pull`, which makes none. */
  target?: Target;
  /** This machine's record of tasks on the account (execute/ledger.ts). */
  ledger?: Ledger;
  /** Keep only these steps (`--shard`); the plan is filtered before the policy sees it. */
  filter?: (step: PlanStep) => boolean;
  /** Which merges to keep under `filter` (default: those of characters with a kept step). */
  keepMerge?: (merge: MergeStep) => boolean;
  now?: () => number;
  command?: string;
  /** The team store (store/open.ts): restores, write-through, the registry. */
  store?: ObjectStore;
  /**
   * Take what the lockfile marks stored as in the store, asking only once (`rigup pull`: the GET of
   * each output is the question; store/facts.ts `askStore`).
   */
  presumeStored?: boolean;
  /** Bounds on waiting for another machine's claim (tests). */
  claimWaitMs?: number;
}

export type BuildResult =
  { kind: "done"; plan: Plan; summary: RunSummary } | { kind: "refused"; plan: Plan; message: string; steps?: PlanStep[] };

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const { project } = opts;
  const { settings } = project;
  const now = opts.now ?? Date.now;
  return withWriterLock(settings.lockfile, { now: now(), command: opts.command ?? "rigup build" }, async () => {
    // Every output this run pays for lands in this tree: refuse one that leads elsewhere before spending.
    await refuseLinksOutOf(settings.outDir);
    await removeStaleTempFiles(settings.outDir);
    // Plan against the lockfile as it is now that we hold it, not as first read.
    const store = await openLockStore(project);
    const planned = await planProject(project, {
      lock: store.lock,
      now: now(),
      replace: opts.replace,
      target: opts.target,
      store: opts.store,
      presumeStored: opts.presumeStored ? storedObjects(store.lock) : undefined,
    });
    const plan = opts.filter ? filterPlan(planned.plan, opts.filter, opts.keepMerge) : planned.plan;
    // A model this plan would pay to rig but cannot be rigged as asked: an input error before the spend question.
    await checkPaidModels(project, plan);
    opts.onPlan?.(plan);

    if (opts.target === "emulator") {
      const real = stepsOnMeshyTasks(plan, store.lock);
      if (real.length > 0) {
        return {
          kind: "refused",
          plan,
          steps: real,
          message:
            "--emulator would put placeholder outputs in place of what Meshy made (below); nothing was sent. " +
            "Build for real, or try the emulator in a tree of its own: `rigup build --emulator -o out-emulator --lockfile .rigup/emulator.lock`",
        };
      }
    }
    const decision = decideSpend(
      plan,
      opts.policy,
      worstCaseCredits(plan, (s) => CREDITS[s.kind]),
    );
    if (decision.kind === "refuse") return { kind: "refused", plan, message: decision.message, steps: decision.steps };
    if (decision.kind === "ask" && !(opts.confirm && (await opts.confirm(decision.question)))) {
      return { kind: "refused", plan, message: "not confirmed; nothing was sent" };
    }

    // Only a plan that may pay needs the probe (a restore or download that cannot land costs nothing).
    if (plan.steps.some((s) => s.action === "create" || s.action === "replace" || s.action === "reconcile")) {
      await assertWritable(settings.outDir, foldersWritten(plan.steps));
    }
    const summary = await execute({
      plan,
      manifest: project.resolved,
      manifestDir: settings.manifestDir,
      lockfile: settings.lockfile,
      outDir: settings.outDir,
      api: opts.api,
      journal: lockJournal(store, { target: opts.target, apiVersion: project.settings.apiVersion }),
      ledger: opts.ledger,
      concurrency: settings.concurrency,
      resendUnknown: opts.resendUnknown,
      // The policy refused every create/replace; this also stops a lost create that turns out never to have happened.
      noCreate: opts.policy.frozen,
      signal: opts.signal,
      onEvent: opts.onEvent,
      now,
      onFileWritten: (path, facts) => {
        planned.statCache.record(path, facts);
        // What landed this run is what a push at its end may upload.
        planned.facts.outputs[relative(settings.outDir, path).split(sep).join("/")] = { size: facts.size, sha256: facts.sha256 };
      },
      store: opts.store && { store: opts.store, target: opts.target ?? "meshy", claimWaitMs: opts.claimWaitMs },
      // Outputs a store failure left behind (this run or an earlier one): uploaded now, if the store answers.
      beforeDone: async (summary) => {
        if (!opts.store || countUnstored(store.lock) === 0) return;
        const pushed = await pushOutputs({
          lock: store,
          store: opts.store,
          outDir: settings.outDir,
          facts: planned.facts,
          host: hostname(),
          now,
        });
        summary.pushed = pushed.uploaded;
        summary.notStored = countUnstored(store.lock);
      },
    });
    // What the plan showed, it does: prunes too (files inside the output folder; task ids are kept).
    if (!summary.interrupted && (plan.steps.some((s) => s.action === "prune") || plan.merges.some((m) => m.action === "prune"))) {
      summary.pruned = (await applyPrune(plan, store, settings.outDir)).items.length;
    }
    await planned.statCache.save();
    return { kind: "done", plan, summary };
  });
}

/**
 * Steps the emulator cannot serve: they change a unit whose task Meshy made, or a clip
 * of a character whose rig Meshy made (the emulator does not know that rig).
 */
function stepsOnMeshyTasks(plan: Plan, lock: Lockfile): PlanStep[] {
  const real = (e: UnitEntry | undefined) => e?.task_id !== undefined && e.state !== "retired" && madeBy(e) === "meshy";
  return plan.steps.filter(
    (s) =>
      s.action !== "noop" &&
      s.action !== "prune" &&
      (real(getUnit(lock, s.character, s.kind, s.name)) || real(lock.characters[s.character]?.rig)),
  );
}

/** Whether a build has anything to run, prunes included. */
export function needsRun(plan: Plan): boolean {
  return plan.merges.length > 0 || plan.steps.some((s) => s.action !== "noop");
}
