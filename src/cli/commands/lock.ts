/**
 * `rigup lock merge`: combine the lockfiles of CI shards, or resolve a git merge
 * conflict in characters.lock in place, keeping every task id either side paid for.
 */
import type { Command } from "commander";
import { EXIT, UserError } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";

interface LockMergeFlags {
  output?: string;
  git?: boolean;
  manifest: string;
  lockfile?: string;
}

export function registerLockCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  const lock = program.command("lock").description("Work on the lockfile (characters.lock).");
  lock
    .command("merge")
    .description(
      "Merge lockfiles, keeping every task id: shard lockfiles into one (`rigup lock merge shard-*/characters.lock`), " +
        "or, with no files, resolve a git merge conflict in the project's lockfile in place.",
    )
    .argument("[files...]", "lockfiles to merge, e.g. each CI shard's characters.lock")
    .option("-o, --output <file>", "write here (default: the project's lockfile); a lockfile already there is merged in too")
    .option("--git", "resolve the git conflict markers in the project's lockfile in place (the default without files)")
    .option("-m, --manifest <file>", "the manifest, to find the project's lockfile and config", "characters.yaml")
    .option("--lockfile <file>", "the project's lockfile (default: characters.lock beside the manifest)")
    .action(async (files: string[], flags: LockMergeFlags) => setExit(await runLockMerge(files, flags, ctx)));
}

async function runLockMerge(files: string[], flags: LockMergeFlags, ctx: CliEnv): Promise<number> {
  if (flags.git && files.length > 0) {
    throw new UserError("USAGE", "--git resolves the project's lockfile in place; it takes no files", {
      hint: "Run `rigup lock merge --git`, or `rigup lock merge FILE... -o OUT` to combine lockfiles.",
    });
  }
  const [{ resolve, relative }, { resolveSettings }, { mergeLockfileFiles }] = await Promise.all([
    import("node:path"),
    import("../../config/load.js"),
    import("../../lockfile/merge-files.js"),
  ]);
  const settings = await resolveSettings({
    manifestFile: flags.manifest,
    flags: flags.lockfile ? { lockfile: flags.lockfile } : {},
    env: ctx.env,
    cwd: ctx.cwd,
  });
  const inputs = files.length > 0 ? files.map((f) => resolve(ctx.cwd, f)) : [settings.lockfile];
  const output = flags.output ? resolve(ctx.cwd, flags.output) : settings.lockfile;
  const report = await mergeLockfileFiles({ inputs, output, writerLock: output === settings.lockfile });

  const shown = relative(ctx.cwd, report.output) || report.output;
  const totals = `${report.units} units, ${report.taskIds} task ids`;
  if (files.length === 0) {
    ctx.stderr.write(
      report.conflicted.length === 0
        ? `${shown} has no merge conflict; nothing to do.\n`
        : `Resolved the merge conflict in ${shown}: every task id from both sides is kept (${totals}).\n` +
            `Check it with \`rigup plan\`, then \`git add ${shown}\`.\n`,
    );
  } else {
    ctx.stderr.write(`Merged ${report.read.length} lockfiles into ${shown}: ${totals}${report.changed ? "" : " (already up to date)"}.\n`);
  }
  return EXIT.OK;
}
