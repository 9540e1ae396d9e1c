/**
 * The team store from the command line: opening the configured one (the AWS SDK is
 * loaded only here, only when a store is used), `rigup pull` and `rigup push`.
 */
import type { Command } from "commander";
import { hostname } from "node:os";
import { EXIT, UserError } from "../../diagnostics/errors.js";
import type { Settings } from "../../config/load.js";
import type { ObjectStore } from "../../store/object-store.js";
import type { PlanStep } from "../../plan/types.js";
import type { CliEnv } from "../env.js";
import { offlineApi } from "../../meshy/offline.js";
import { jsonOption, projectOptions, withProjectOptions, withStoreOptions, type ProjectFlags } from "./common.js";

/** The configured store, opened, and said where it is once; undefined without one. */
export async function openProjectStore(settings: Settings, ctx: Pick<CliEnv, "stderr">): Promise<ObjectStore | undefined> {
  if (!settings.store) return undefined;
  const { openStore } = await import("../../store/open.js");
  let store: ObjectStore;
  try {
    store = await openStore(settings.store, settings.manifestDir);
  } catch (err) {
    if (!(err instanceof Error) || err.name === "StoreError") throw err;
    throw new UserError("STORE_INVALID", `invalid store ${settings.store.url}: ${err.message}`, {
      hint: "store: s3://bucket/prefix, file:///path or a folder path (--store, RIGUP_STORE or the config's store)",
    });
  }
  ctx.stderr.write(`Team store: ${store.label}\n`);
  return store;
}

function requireStore(settings: Settings, command: string): asserts settings is Settings & { store: NonNullable<Settings["store"]> } {
  if (settings.store) return;
  throw new UserError("NO_STORE", `rigup ${command} needs a team store, and none is configured`, {
    hint: "set `store: s3://bucket/prefix` (or a shared folder) in rigup.config.yaml, or pass --store URL / set RIGUP_STORE",
  });
}

export function registerStoreCommands(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withStoreOptions(withProjectOptions(program.command("pull")))
    .description("Restore every output characters.lock records from the team store. Needs no Meshy key and spends nothing.")
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => setExit(await runPull(flags, ctx)));
  withStoreOptions(withProjectOptions(program.command("push")))
    .description("Upload to the team store every recorded output it lacks, and record each unit for the team.")
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => setExit(await runPush(flags, ctx)));
}

async function runPull(flags: ProjectFlags, ctx: CliEnv): Promise<number> {
  const [{ openProject }, { build }] = await Promise.all([import("../../app/project.js"), import("../../app/build.js")]);
  const project = await openProject(projectOptions(flags, ctx));
  requireStore(project.settings, "pull");
  const store = (await openProjectStore(project.settings, ctx))!;
  const startReporter = await (await import("./build.js")).reporterFor(flags, ctx, project.settings.outDir);
  let reporter: import("../../report/reporter.js").Reporter | undefined;
  let shown: import("../../plan/types.js").Plan | undefined;
  try {
    // Only restores (and merges) run: anything else needs Meshy (`rigup build`), and is listed, not done.
    const left: PlanStep[] = [];
    const result = await build({
      project,
      api: offlineApi("`rigup pull` never calls Meshy"),
      policy: { frozen: true, interactive: false },
      filter: (s) => {
        if (s.action !== "restore" && s.action !== "noop" && s.action !== "prune") left.push(s);
        return s.action === "restore";
      },
      keepMerge: () => true,
      store,
      command: "rigup pull",
      onPlan: (plan) => void (shown = plan),
      onEvent: (e) => (reporter ??= startReporter(shown!)).onEvent(e),
    });
    await reporter?.close();
    if (result.kind === "refused") throw new Error(`bug: pull refused: ${result.message}`);
    const { summary } = result;
    if (flags.json) ctx.stdout.write(`${JSON.stringify({ type: "pull", left: left.map((s) => s.key) })}\n`);
    ctx.stderr.write(`Pulled from ${store.label}: ${summary.restored} units restored, ${summary.failed} failed.\n`);
    if (left.length > 0) {
      ctx.stderr.write(`${left.length} units are not in the store as recorded; \`rigup build\` makes or fetches them:\n`);
      for (const s of left) ctx.stderr.write(`  ${s.key}: ${s.reasons.join("; ")}\n`);
    }
    return summary.failed > 0 || left.length > 0 ? EXIT.FAILURE : EXIT.OK;
  } finally {
    await store.close();
  }
}


async function runPush(flags: ProjectFlags, ctx: CliEnv): Promise<number> {
  const [{ openProject, planProject }, { acquireWriterLock }, { LockStore }, { pushOutputs }] = await Promise.all([
    import("../../app/project.js"),
    import("../../lockfile/writer-lock.js"),
    import("../../lockfile/store.js"),
    import("../../execute/push-outputs.js"),
  ]);
  const project = await openProject(projectOptions(flags, ctx));
  const { settings } = project;
  requireStore(settings, "push");
  const store = (await openProjectStore(settings, ctx))!;
  const writer = await acquireWriterLock(settings.lockfile, { pid: process.pid, hostname: hostname(), now: Date.now(), command: "rigup push" });
  try {
    const lock = await LockStore.open(settings.lockfile);
    const { facts, statCache } = await planProject(project, { lock: lock.lock });
    const r = await pushOutputs({ lock, store, outDir: settings.outDir, facts, host: hostname(), now: Date.now, all: true });
    await statCache.save();
    if (flags.json) ctx.stdout.write(`${JSON.stringify({ uploaded: r.uploaded, present: r.present, records: r.records, unavailable: r.unavailable, error: r.failure?.message })}\n`);
    ctx.stderr.write(`Pushed to ${store.label}: ${r.uploaded} uploaded, ${r.present} already there, ${r.records} units recorded.\n`);
    for (const p of r.unavailable) ctx.stderr.write(`  not here as recorded, and not in the store: ${p}\n`);
    if (r.failure) ctx.stderr.write(`Error: ${r.failure.message}\n`);
    return r.failure || r.unavailable.length > 0 ? EXIT.FAILURE : EXIT.OK;
  } finally {
    await writer.release();
    await store.close();
  }
}

