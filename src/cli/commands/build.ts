/** `rigup build`: run the plan against Meshy (or the built-in emulator). */
import type { Command } from "commander";
import { EXIT, UserError } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { inShard } from "../../plan/shard.js";
import { displayDir } from "../../report/reporter.js";
import { apiTarget } from "./api-target.js";
import { replaceOption } from "./replace.js";
import { snapshotVerdict } from "./check.js";
import { intArg, jsonOption, projectOptions, shardNotice, shardOption, withProjectOptions, withStoreOptions, type ProjectFlags } from "./common.js";
import { openProjectStore } from "./store.js";
import { offlineApi } from "../../meshy/offline.js";

export interface BuildFlags extends ProjectFlags {
  emulator?: boolean;
  yes?: boolean;
  maxCredits?: number;
  frozen?: boolean;
  resendUnknown?: boolean;
  check?: boolean;
  replace?: string[];
}

export function registerBuildCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withStoreOptions(withProjectOptions(program.command("build")))
    .description("Create only the missing rig and animation tasks, wait for them, and download their outputs.")
    .option("--emulator", "run against a built-in local Meshy emulator (no account, no network, no cost)")
    .option("-y, --yes", "spend credits without asking (required to spend in CI or without a TTY)")
    .option("--max-credits <n>", "refuse to start a plan that may spend more than N credits", intArg("--max-credits"))
    .option("--frozen", "CI mode: the lockfile must cover every unit; download only, never create a paid task")
    .option("--concurrency <n>", "task slots: Meshy tasks queued at once (default 10, your tier's queue)", intArg("--concurrency", 1))
    .addOption(shardOption())
    .addOption(replaceOption())
    .option("--resend-unknown", "re-send a create whose lost answer cannot be matched to a task (may pay twice)")
    .option("--api-key-file <file>", "read the Meshy API key from this file (default: $MESHY_API_KEY)")
    .option("--api-base <url>", "Meshy API base URL (default: $MESHY_API_BASE, config apiBase, https://api.meshy.ai)")
    .option("--api-version <n>", "Meshy API version: 2 (default; $MESHY_API_VERSION, config apiVersion) or 1 (until Meshy switches it off on 2027-03-15)", intArg("--api-version", 1, 2))
    .option("--check", "do not build: exit 0 when outputs are up to date, 2 when a build is needed (same as `rigup check`; offline)")
    .addOption(jsonOption())
    .action(async (flags: BuildFlags) =>
      setExit(flags.check ? await (await import("./check.js")).runCheck(flags, ctx) : await runBuild(flags, ctx)),
    );
}

export async function runBuild(flags: BuildFlags, ctx: CliEnv): Promise<number> {
  // The last full check proved everything up to date and nothing it read has moved: nothing to build.
  const verdict = await snapshotVerdict(flags, ctx);
  // Emulator placeholders are up to date for the emulator only: a real build re-makes them.
  const target = flags.emulator ? "emulator" : "meshy";
  if (verdict.hit && !flags.json && !flags.shard && !flags.replace && (flags.emulator || verdict.hit.placeholders === 0)) {
    ctx.stderr.write(`No changes. Outputs match characters.yaml and characters.lock (${verdict.hit.upToDate} units up to date).\n`);
    return EXIT.OK;
  }
  const [{ openProject, planProject }, { build, needsRun }, { filterPlan }, { renderPlan }, { SnapshotRecorder }] = await Promise.all([
    import("../../app/project.js"),
    import("../../app/build.js"),
    import("../../plan/filter.js"),
    import("../../report/plan-text.js"),
    import("../../app/check-snapshot-record.js"),
  ]);
  const { key, stateDir, manifestFile, manifestText } = verdict;
  const recorder = key && manifestText !== undefined && !flags.shard ? new SnapshotRecorder(key, stateDir, manifestFile, manifestText) : undefined;
  const project = await openProject(projectOptions(flags, ctx));
  const { settings } = project;
  if (flags.shard) ctx.stderr.write(shardNotice(flags.shard, project.resolved.characters.map((c) => c.name)));

  // Up to date (the common case before every game build): answer from the plan alone, without
  // loading the network stack, starting an emulator or taking the writer lock.
  const started = Date.now();
  const preview = await planProject(project, { onStat: recorder?.onStat, replace: flags.replace, target });
  const planned = flags.shard ? filterPlan(preview.plan, inShard(flags.shard)) : preview.plan;
  // With a store, outputs a failed upload left behind are work too (uploaded by this build).
  const unstored = settings.store ? (await import("../../lockfile/units.js")).countUnstored(project.lock) : 0;
  if (!needsRun(planned) && unstored === 0) {
    await preview.statCache.save();
    recorder?.finish(project, planned, preview.facts);
    const { emptySummary } = await import("../../execute/events.js");
    const summary = { ...emptySummary(), upToDate: planned.summary.noop, wallMs: Date.now() - started };
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify({ type: "plan", plan: planned })}\n`);
      ctx.stdout.write(`${JSON.stringify({ type: "run:done", at: Date.now(), summary })}\n`);
    } else ctx.stderr.write(renderPlan(planned, { color: ctx.color }));
    return EXIT.OK;
  }
  const store = await openProjectStore(settings, ctx);
  // Restores from the store, merges and prunes need no Meshy and no key: a fresh clone builds them without one.
  const offline =
    !flags.emulator &&
    !settings.apiKey &&
    (meshyFree(planned) || (store !== undefined && meshyFree(await storePlan(project, store, { target, replace: flags.replace, shard: flags.shard }))));
  let connection: Connection;
  try {
    connection = offline ? offlineConnection() : await connect(flags, ctx, project);
  } catch (err) {
    await store?.close();
    throw err;
  }
  const { api, ledger, stopEmulator } = connection;
  const startReporter = await reporterFor(flags, ctx, settings.outDir);
  const abort = new AbortController();
  const unsubscribe = ctx.signals.onInterrupt(() => abort.abort());
  let shown: import("../../plan/types.js").Plan | undefined;
  let reporter: import("../../report/reporter.js").Reporter | undefined;

  try {
    const result = await build({
      project,
      api,
      policy: {
        frozen: flags.frozen,
        maxCredits: flags.maxCredits,
        yes: flags.yes,
        interactive: Boolean(ctx.confirm) && !ctx.ci,
        freeCredits: flags.emulator,
      },
      confirm: ctx.ci ? undefined : ctx.confirm,
      resendUnknown: flags.resendUnknown,
      replace: flags.replace,
      target,
      ledger,
      filter: flags.shard && inShard(flags.shard),
      signal: abort.signal,
      onPlan: (plan) => {
        if (flags.json) ctx.stdout.write(`${JSON.stringify({ type: "plan", plan })}\n`);
        else ctx.stderr.write(renderPlan(plan, { color: ctx.color }));
        shown = plan;
      },
      // Progress starts with the first event: after the spend question, never over it.
      onEvent: (e) => (reporter ??= startReporter(shown!)).onEvent(e),
      command: `rigup build`,
      store,
    });
    await reporter?.close();
    // Ctrl-C at the spend question: nothing was sent.
    if (result.kind === "refused" && abort.signal.aborted) {
      ctx.stderr.write("Interrupted: nothing was sent.\n");
      return EXIT.INTERRUPTED;
    }
    if (result.kind === "refused") {
      const symbol = { create: "+", replace: "-/+" } as Record<string, string>;
      const lines = [
        `Error: ${result.message}`,
        ...(result.steps ?? []).map((s) => `  ${symbol[s.action] ?? "+"} ${s.key}: ${s.reasons.join("; ")}`),
      ];
      if (flags.json) ctx.stdout.write(`${JSON.stringify({ type: "refused", message: result.message, steps: result.steps?.map((s) => s.key) ?? [] })}\n`);
      ctx.stderr.write(`${lines.join("\n")}\n`);
      return EXIT.REFUSED;
    }
    const { summary } = result;
    if (summary.interrupted) return EXIT.INTERRUPTED;
    if (summary.stopReason === "auth" || summary.stopReason === "credits") return EXIT.ACCOUNT;
    return summary.failed + summary.blocked > 0 ? EXIT.FAILURE : EXIT.OK;
  } finally {
    unsubscribe();
    await api.close?.();
    await store?.close();
    await stopEmulator();
  }
}

/** The run's reporter: NDJSON under --json, live lines on a terminal, plain lines in CI or a pipe. */
export async function reporterFor(flags: { json?: boolean }, ctx: CliEnv, outDirAbs: string) {
  const outDir = displayDir(ctx.cwd, outDirAbs);
  const m = flags.json ? await import("../../report/json.js") : ctx.isTTY && !ctx.ci ? await import("../../report/tty.js") : await import("../../report/ci.js");
  return (plan: import("../../plan/types.js").Plan): import("../../report/reporter.js").Reporter =>
    "jsonReporter" in m
      ? m.jsonReporter(ctx.stdout)
      : "ttyReporter" in m
        ? m.ttyReporter(plan, ctx.stderr, { color: ctx.color, outDir })
        : m.lineReporter(plan, ctx.stderr, { color: ctx.color, outDir });
}

/** The plan runs without Meshy: it only restores, merges and prunes. */
function meshyFree(plan: import("../../plan/types.js").Plan): boolean {
  return plan.steps.every((s) => s.action === "noop" || s.action === "restore" || s.action === "prune");
}

/** The plan as the build will see it with the store's answers (what is stored, what the team paid for). */
async function storePlan(
  project: import("../../app/project.js").Project,
  store: import("../../store/object-store.js").ObjectStore,
  o: { target: import("../../lockfile/schema.js").Target; replace?: string[]; shard?: import("../../plan/shard.js").Shard },
) {
  const [{ planProject }, { filterPlan }] = await Promise.all([import("../../app/project.js"), import("../../plan/filter.js")]);
  const { plan } = await planProject(project, { target: o.target, replace: o.replace, store });
  return o.shard ? filterPlan(plan, inShard(o.shard)) : plan;
}

interface Connection {
  api: import("../../meshy/api.js").MeshyApi & { close?: () => Promise<void> };
  ledger?: import("../../execute/ledger.js").Ledger;
  stopEmulator: () => Promise<void>;
}

function offlineConnection(): Connection {
  return { api: offlineApi("no Meshy API key is set"), stopEmulator: async () => {} };
}

/** Meshy (or the built-in emulator) with the key, and this account's ledger. */
async function connect(flags: BuildFlags, ctx: CliEnv, project: import("../../app/project.js").Project): Promise<Connection> {
  const { settings } = project;
  // Before anything is sent: an unknown action id would be refused only after its rig was paid for.
  await (await import("../../app/check-action-ids.js")).checkActionIds(project, { emulator: flags.emulator, stderr: ctx.stderr });
  const [{ MeshyClient }, { fileLedger, ledgerFile }, { userCacheDir }, { homedir }] = await Promise.all([
    import("../../meshy/client.js"),
    import("../../execute/ledger.js"),
    import("../../actions/cache.js"),
    import("node:os"),
  ]);
  const { apiBase, apiKey, close: stopEmulator } = await apiTarget(settings, flags.emulator, ctx.stderr);
  if (flags.emulator) ctx.stderr.write(`Using the built-in Meshy emulator at ${apiBase} (no account, no cost).\n`);
  if (!apiKey) {
    await stopEmulator();
    throw new UserError("NO_API_KEY", "no Meshy API key", {
      hint: "set MESHY_API_KEY, or pass --api-key-file FILE; or try `rigup build --emulator` to run against the local emulator",
    });
  }
  const api = new MeshyClient({ baseUrl: apiBase, apiVersion: settings.apiVersion, apiKey, requestsPerSecond: settings.requestsPerSecond });
  // The built-in emulator's tasks belong to no account.
  const ledger = flags.emulator ? undefined : fileLedger(ledgerFile(userCacheDir(ctx.env, process.platform, ctx.env.HOME || homedir()), apiBase, apiKey));
  return { api, ledger, stopEmulator };
}
