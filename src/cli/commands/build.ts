/** `rigup build`: run the plan against Meshy (or the built-in emulator). */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import {
  intArg,
  jsonOption,
  output,
  projectOptions,
  replaceOption,
  shardOption,
  withProjectOptions,
  withStoreOptions,
  type ProjectFlags,
} from "./common.js";

interface BuildFlags extends ProjectFlags {
  emulator?: boolean;
  yes?: boolean;
  maxCredits?: number;
  frozen?: boolean;
  resendUnknown?: boolean;
  check?: boolean;
  replace?: string[];
}

export function registerBuildCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withStoreOptions(withProjectOptions(program.command("build")), "optional")
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
    .option(
      "--api-version <n>",
      "Meshy API version: 2 (default; $MESHY_API_VERSION, config apiVersion) or 1 (until Meshy switches it off on 2027-03-15)",
      intArg("--api-version", 1, 2),
    )
    .option("--check", "do not build: exit 0 when outputs are up to date, 2 when a build is needed (same as `rigup check`; offline)")
    .addOption(jsonOption())
    .action(async (flags: BuildFlags) => setExit(flags.check ? await check(flags, ctx) : await build(flags, ctx)));
}

async function build(flags: BuildFlags, ctx: CliEnv): Promise<number> {
  const [{ buildProject, buildExitCode }, { reportBuild }, { runView }] = await Promise.all([
    import("../../app/build-project.js"),
    import("../../report/build.js"),
    import("../../report/run.js"),
  ]);
  const out = output(flags, ctx);
  const outcome = await buildProject(
    { ...flags, project: projectOptions(flags, ctx) },
    { stderr: ctx.stderr, confirm: ctx.ci ? undefined : ctx.confirm, signals: ctx.signals, view: runView(out, { showPlan: true }) },
  );
  await reportBuild(outcome, out);
  return buildExitCode(outcome);
}

/** `--check`: `rigup check`. */
async function check(flags: BuildFlags, ctx: CliEnv): Promise<number> {
  const [{ checkProject }, { reportCheck }] = await Promise.all([import("../../app/check.js"), import("../../report/check.js")]);
  const result = await checkProject(projectOptions(flags, ctx));
  await reportCheck(result, output(flags, ctx));
  return result.ok ? EXIT.OK : EXIT.CHANGES;
}
