/** `rigup check` (and `rigup build --check`): do the outputs match the manifest and lockfile? Offline, fast. */
import path from "node:path";
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import { locateManifest } from "../../app/locate-manifest.js";
import type { CliEnv } from "../env.js";
import { jsonOption, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

export function registerCheckCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("check"))
    .description(
      "Exit 0 when the outputs match characters.yaml and characters.lock, 2 (one line per problem on stderr) when a build is needed. Offline; meant for a prebuild hook.",
    )
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => setExit(await runCheck(flags, ctx)));
}

/**
 * The check snapshot's verdict, loading nothing but Node built-ins: `upToDate`
 * when the last full check's proof still holds, else undefined (do the full work).
 */
export async function snapshotVerdict(flags: ProjectFlags, ctx: CliEnv) {
  const [snap, { isTempName }, { VERSION }] = await Promise.all([
    import("../../app/check-snapshot.js"),
    import("../../fs/atomic-write.js"),
    import("../../app/version.js"),
  ]);
  const manifestFile = locateManifest(ctx.cwd, flags.manifest);
  const manifestText = snap.readText(manifestFile);
  const stateDir = path.join(path.dirname(manifestFile), ".rigup");
  const key =
    manifestText === undefined
      ? undefined
      : snap.snapshotKey({ version: VERSION, manifestFile, manifestText, pathOverrides: [flags.out, flags.lockfile, ctx.env.RIGUP_OUT_DIR, ctx.cwd] });
  const hit = key ? snap.snapshotHolds(stateDir, key, Date.now(), isTempName) : undefined;
  return { manifestFile, manifestText, stateDir, key, hit };
}

export async function runCheck(flags: ProjectFlags, ctx: CliEnv): Promise<number> {
  const { manifestFile, manifestText, stateDir, key, hit } = await snapshotVerdict(flags, ctx);
  if (hit) return report(ctx, flags, { ok: true, items: [], upToDate: hit.upToDate, credits: 0, warnings: [] }, []);

  const [{ openProject, planProject }, { checkPlan, formatCheckItem }, { SnapshotRecorder }] = await Promise.all([
    import("../../app/project.js"),
    import("../../app/check.js"),
    import("../../app/check-snapshot-record.js"),
  ]);
  const recorder = key && manifestText !== undefined ? new SnapshotRecorder(key, stateDir, manifestFile, manifestText) : undefined;
  const project = await openProject(projectOptions(flags, ctx));
  const { plan, statCache, facts } = await planProject(project, { onStat: recorder?.onStat });
  // Only dirty when something had to be hashed: the next check is then stat-only.
  await statCache.save();
  const outPrefix = path.relative(ctx.cwd, project.settings.outDir).split(path.sep).join("/") || ".";
  const result = checkPlan(plan, project.lock, outPrefix);
  recorder?.finish(project, plan, facts);
  return report(ctx, flags, result, result.items.map(formatCheckItem));
}

function report(
  ctx: CliEnv,
  flags: ProjectFlags,
  result: { ok: boolean; items: unknown[]; upToDate: number; credits: number; warnings: Array<{ message: string }> },
  itemLines: string[],
): number {
  if (flags.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const lines = [...itemLines, ...result.warnings.map((w) => `warning: ${w.message}`)];
  const total = result.items.length + result.upToDate;
  if (result.ok) lines.push(`rigup check: ${result.upToDate} units up to date.`);
  else lines.push(`rigup check: ${result.items.length} of ${total} units need \`rigup build\`${result.credits > 0 ? ` (${result.credits} credits)` : ""}.`);
  ctx.stderr.write(`${lines.join("\n")}\n`);
  return result.ok ? EXIT.OK : EXIT.CHANGES;
}
