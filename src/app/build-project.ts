/**
 * `rigup build` as one call: answer from the check snapshot or the plan alone
 * when nothing needs doing (no network stack, no emulator, no writer lock), else
 * open the team store, connect to Meshy (or the built-in emulator, or nothing when
 * the plan only restores, merges and prunes), and run build() (build.ts) under
 * Ctrl-C. Says what it does on the way (`stderr`); the plan and the run's events go
 * to the caller's view; the outcome is returned for a renderer, with its exit code.
 */
import { homedir } from "node:os";
import type { Writable } from "node:stream";
import { EXIT, UserError } from "../diagnostics/errors.js";
import type { ExecEvent, RunSummary } from "../execute/events.js";
import type { Ledger } from "../execute/ledger.js";
import type { Target } from "../lockfile/schema.js";
import type { MeshyApi } from "../meshy/api.js";
import { offlineApi } from "../meshy/offline.js";
import { meshyClientOptions } from "../config/meshy-client.js";
import { inShard, type Shard } from "../plan/shard.js";
import type { Plan, PlanStep } from "../plan/types.js";
import type { ObjectStore } from "../store/object-store.js";
import { apiTarget } from "./api-target.js";
import type { Project, ProjectOptions } from "./project.js";
import { planOfShard, shardNotice } from "./shard.js";
import { snapshotRecorder, snapshotVerdict } from "./snapshot-verdict.js";
import { openProjectStore } from "./team-store.js";

/** What the caller shows of a run: the plan once, then its events; closed when the run ends. */
export interface RunView {
  onPlan(plan: Plan): void;
  onEvent(event: ExecEvent): void;
  close(): Promise<void>;
}

export interface BuildProjectOptions {
  project: ProjectOptions;
  /** `--emulator`: a built-in emulator, started for this run. */
  emulator?: boolean;
  yes?: boolean;
  maxCredits?: number;
  frozen?: boolean;
  resendUnknown?: boolean;
  replace?: string[];
  shard?: Shard;
  /** `--json`: the caller reads the plan and run:done, so the snapshot's bare "no changes" does not do. */
  json?: boolean;
}

export interface BuildIo {
  /** Notices on the way: the shard, the store, where the key goes, the emulator. */
  stderr: Writable;
  /** Asks the spend question; absent when nobody can answer (no TTY, or CI). */
  confirm?: (question: string) => Promise<boolean>;
  /** Ctrl-C: the run winds down (nothing new is paid for). */
  signals: { onInterrupt(handler: () => void): () => void };
  /** The view of the run, for outputs in `outDir` (absolute). */
  view(outDir: string): Promise<RunView>;
}

export type BuildOutcome =
  /** The check snapshot holds: nothing was planned. */
  | { kind: "unchanged"; upToDate: number }
  /** The plan has nothing to run: `plan` as planned, and an empty run's summary. */
  | { kind: "up-to-date"; plan: Plan; summary: RunSummary }
  /** Ctrl-C at the spend question: nothing was sent. */
  | { kind: "interrupted" }
  | { kind: "refused"; message: string; steps?: PlanStep[] }
  | { kind: "done"; summary: RunSummary };

export async function buildProject(o: BuildProjectOptions, io: BuildIo): Promise<BuildOutcome> {
  // The last full check proved everything up to date and nothing it read has moved: nothing to build.
  const verdict = snapshotVerdict(o.project);
  // Emulator placeholders are up to date for the emulator only: a real build re-makes them.
  const target: Target = o.emulator ? "emulator" : "meshy";
  if (verdict.hit && !o.json && !o.shard && !o.replace && (o.emulator || verdict.hit.placeholders === 0)) {
    return { kind: "unchanged", upToDate: verdict.hit.upToDate };
  }
  const [{ openProject, planProject }, { build, needsRun }] = await Promise.all([import("./project.js"), import("./build.js")]);
  const recorder = o.shard ? undefined : await snapshotRecorder(verdict);
  const project = await openProject(o.project);
  const { settings } = project;
  if (o.shard)
    io.stderr.write(
      shardNotice(
        o.shard,
        project.resolved.characters.map((c) => c.name),
      ),
    );

  // Up to date (the common case before every game build): answer from the plan alone, without
  // loading the network stack, starting an emulator or taking the writer lock.
  const started = Date.now();
  const preview = await planProject(project, { onStat: recorder?.onStat, replace: o.replace, target });
  const planned = planOfShard(preview.plan, o.shard);
  // With a store, outputs a failed upload left behind are work too (uploaded by this build).
  const unstored = settings.store ? (await import("../lockfile/units.js")).countUnstored(project.lock) : 0;
  if (!needsRun(planned) && unstored === 0) {
    await preview.statCache.save();
    recorder?.finish(project, planned, preview.facts);
    const { emptySummary } = await import("../execute/events.js");
    return {
      kind: "up-to-date",
      plan: planned,
      summary: { ...emptySummary(), upToDate: planned.summary.noop, wallMs: Date.now() - started },
    };
  }
  const store = await openProjectStore(settings, io.stderr);
  // Restores from the store, merges and prunes need no Meshy and no key: a fresh clone builds them without one.
  const offline =
    !o.emulator &&
    !settings.apiKey &&
    (meshyFree(planned) ||
      (store !== undefined && meshyFree(await storePlan(project, store, { target, replace: o.replace, shard: o.shard }))));
  let connection: Connection;
  try {
    connection = offline ? offlineConnection() : await connect(o, io.stderr, project);
  } catch (err) {
    await store?.close();
    throw err;
  }
  const { api, ledger, stopEmulator } = connection;
  const view = await io.view(settings.outDir);
  const abort = new AbortController();
  const unsubscribe = io.signals.onInterrupt(() => abort.abort());

  try {
    const result = await build({
      project,
      api,
      policy: {
        frozen: o.frozen,
        maxCredits: o.maxCredits,
        yes: o.yes,
        interactive: Boolean(io.confirm),
        freeCredits: o.emulator,
      },
      confirm: io.confirm,
      resendUnknown: o.resendUnknown,
      replace: o.replace,
      target,
      ledger,
      filter: o.shard && inShard(o.shard),
      signal: abort.signal,
      onPlan: (plan) => view.onPlan(plan),
      // Progress starts with the first event: after the spend question, never over it.
      onEvent: (e) => view.onEvent(e),
      command: `rigup build`,
      store,
    });
    await view.close();
    if (result.kind === "refused" && abort.signal.aborted) return { kind: "interrupted" };
    if (result.kind === "refused") return { kind: "refused", message: result.message, steps: result.steps };
    return { kind: "done", summary: result.summary };
  } finally {
    unsubscribe();
    await api.close?.();
    await store?.close();
    await stopEmulator();
  }
}

/** The exit code of a build's outcome (diagnostics/errors.ts EXIT). */
export function buildExitCode(outcome: BuildOutcome): number {
  switch (outcome.kind) {
    case "unchanged":
    case "up-to-date":
      return EXIT.OK;
    case "interrupted":
      return EXIT.INTERRUPTED;
    case "refused":
      return EXIT.REFUSED;
    case "done": {
      const { summary } = outcome;
      if (summary.interrupted) return EXIT.INTERRUPTED;
      if (summary.stopReason === "auth" || summary.stopReason === "credits") return EXIT.ACCOUNT;
      return summary.failed + summary.blocked > 0 ? EXIT.FAILURE : EXIT.OK;
    }
  }
}

/** The plan runs without Meshy: it only restores, merges and prunes. */
function meshyFree(plan: Plan): boolean {
  return plan.steps.every((s) => s.action === "noop" || s.action === "restore" || s.action === "prune");
}

/** The plan as the build will see it with the store's answers (what is stored, what the team paid for). */
async function storePlan(project: Project, store: ObjectStore, o: { target: Target; replace?: string[]; shard?: Shard }): Promise<Plan> {
  const { planProject } = await import("./project.js");
  const { plan } = await planProject(project, { target: o.target, replace: o.replace, store });
  return planOfShard(plan, o.shard);
}

interface Connection {
  api: MeshyApi & { close?: () => Promise<void> };
  ledger?: Ledger;
  stopEmulator: () => Promise<void>;
}

function offlineConnection(): Connection {
  return { api: offlineApi("no Meshy API key is set"), stopEmulator: async () => {} };
}

/** Meshy (or the built-in emulator) with the key, and this account's ledger. */
async function connect(o: BuildProjectOptions, stderr: Writable, project: Project): Promise<Connection> {
  const { settings } = project;
  const { env } = o.project;
  // Before anything is sent: an unknown action id would be refused only after its rig was paid for.
  await (await import("./check-action-ids.js")).checkActionIds(project, { emulator: o.emulator, stderr });
  const [{ MeshyClient }, { fileLedger, ledgerFile }, { userCacheDir }] = await Promise.all([
    import("../meshy/client.js"),
    import("../execute/ledger.js"),
    import("../actions/cache.js"),
  ]);
  const { apiBase, apiKey, close: stopEmulator } = await apiTarget(settings, o.emulator, stderr);
  if (o.emulator) stderr.write(`Using the built-in Meshy emulator at ${apiBase} (no account, no cost).\n`);
  if (!apiKey) {
    await stopEmulator();
    throw new UserError("NO_API_KEY", "no Meshy API key", {
      hint: "set MESHY_API_KEY, or pass --api-key-file FILE; or try `rigup build --emulator` to run against the local emulator",
    });
  }
  const api = new MeshyClient(meshyClientOptions(settings, { apiBase, apiKey }));
  // The built-in emulator's tasks belong to no account.
  const ledger = o.emulator
    ? undefined
    : fileLedger(ledgerFile(userCacheDir(env, process.platform, env.HOME || homedir()), apiBase, apiKey));
  return { api, ledger, stopEmulator };
}
