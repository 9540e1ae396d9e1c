/** `rigup check` (and `rigup build --check`): do the outputs match the manifest and lockfile? Offline, fast. */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { EXIT } from "../../errors.js";
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
    import("../../check-snapshot.js"),
    import("../../lockfile/atomic-write.js"),
    import("../../version.js"),
  ]);
  const manifestFile = path.resolve(ctx.cwd, flags.manifest ?? "characters.yaml");
  const manifestText = readText(manifestFile);
  const stateDir = path.join(path.dirname(manifestFile), ".rigup");
  const key =
    manifestText === undefined
      ? undefined
      : snap.snapshotKey({ version: VERSION, manifestFile, manifestText, pathOverrides: [flags.out, flags.lockfile, ctx.env.RIGUP_OUT_DIR, ctx.cwd] });
  const hit = key ? snap.snapshotHolds(stateDir, key, Date.now(), isTempName) : undefined;
  return { snap, manifestFile, manifestText, stateDir, key, hit };
}

export async function runCheck(flags: ProjectFlags, ctx: CliEnv): Promise<number> {
  const { snap, manifestFile, manifestText, stateDir, key, hit } = await snapshotVerdict(flags, ctx);
  if (hit) return report(ctx, flags, { ok: true, items: [], upToDate: hit.upToDate, credits: 0, warnings: [] }, []);

  const [{ openProject, planProject }, { checkPlan, formatCheckItem }, { CONFIG_SEARCH_PLACES }, { serializeLockfile }, { DEFAULT_EXPIRY_WARNING_MS }] =
    await Promise.all([
      import("../../project.js"),
      import("../../check.js"),
      import("../../config/load.js"),
      import("../../lockfile/format.js"),
      import("../../plan/words.js"),
    ]);
  const candidates = snap.configCandidates(path.dirname(manifestFile), CONFIG_SEARCH_PLACES);
  const configBefore = snap.contentHashes(candidates);
  const stats: Record<string, [number, number]> = {};
  const project = await openProject(projectOptions(flags, ctx));
  const { plan, statCache, facts } = await planProject(project, { onStat: (file, st) => (stats[file] = [st.size, st.mtimeMs]) });
  // Only dirty when something had to be hashed: the next check is then stat-only.
  await statCache.save();
  const { settings, lock } = project;
  const outPrefix = path.relative(ctx.cwd, settings.outDir).split(path.sep).join("/") || ".";
  const result = checkPlan(plan, lock, outPrefix);

  // Record the fast path only from what this check saw, and only if nothing it read moved meanwhile.
  const lockText = readText(settings.lockfile);
  const lockMatches = lockText === undefined ? Object.keys(lock.characters).length === 0 : lockText === serializeLockfile(lock);
  const configIsData = !settings.configFile || !/\.(c|m)?(js|ts)$/.test(settings.configFile);
  const configAfter = snap.contentHashes(candidates);
  const configSteady = candidates.every((c) => configAfter[c] === configBefore[c]);
  if (key && result.ok && result.warnings.length === 0 && lockMatches && configIsData && configSteady && readText(manifestFile) === manifestText) {
    const rigExpiries = Object.values(lock.characters).flatMap((c) => (c.rig?.expires_at ? [c.rig.expires_at] : []));
    const folders: Record<string, string[]> = {};
    for (const name of new Set([...project.resolved.characters.map((c) => c.name), ...Object.keys(lock.characters)])) folders[name] = [];
    for (const rel of Object.keys(facts.outputs).sort()) folders[rel.slice(0, rel.indexOf("/"))]?.push(rel);
    snap.writeSnapshot(stateDir, {
      key,
      validUntil: Math.min(Number.MAX_SAFE_INTEGER, ...rigExpiries.map((t) => t - DEFAULT_EXPIRY_WARNING_MS)),
      upToDate: result.upToDate,
      outDir: settings.outDir,
      contents: { ...configAfter, ...snap.contentHashes([settings.lockfile]) },
      stats,
      folders,
    });
  }
  return report(ctx, flags, result, result.items.map(formatCheckItem));
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
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
