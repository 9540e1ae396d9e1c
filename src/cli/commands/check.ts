/** `rigup check` (and `rigup build --check`): do the outputs match the manifest and lockfile? Offline, fast. */
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

export async function runCheck(flags: ProjectFlags, ctx: CliEnv): Promise<number> {
  const [{ openProject, planProject }, { checkPlan, formatCheckItem }, { relative, sep }] = await Promise.all([
    import("../../project.js"),
    import("../../check.js"),
    import("node:path"),
  ]);
  const project = await openProject(projectOptions(flags, ctx));
  const { plan, statCache } = await planProject(project);
  // Only dirty when something had to be hashed: the next check is then stat-only.
  await statCache.save();
  const outPrefix = relative(ctx.cwd, project.settings.outDir).split(sep).join("/") || ".";
  const report = checkPlan(plan, project.lock, outPrefix);

  if (flags.json) ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const lines = report.items.map(formatCheckItem);
  for (const w of report.warnings) lines.push(`warning: ${w.message}`);
  if (report.ok) lines.push(`rigup check: ${report.upToDate} units up to date.`);
  else lines.push(`rigup check: ${report.items.length} of ${report.items.length + report.upToDate} units need \`rigup build\`${report.credits > 0 ? ` (${report.credits} credits)` : ""}.`);
  ctx.stderr.write(`${lines.join("\n")}\n`);
  return report.ok ? EXIT.OK : EXIT.CHANGES;
}
