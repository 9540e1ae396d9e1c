/**
 * `rigup lock merge`: combine the lockfiles of CI shards, or resolve a git merge
 * conflict in characters.lock in place, keeping every task id either side paid for.
 */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { output, projectOptions } from "./common.js";

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
    .action(async (files: string[], flags: LockMergeFlags) => {
      const [{ mergeLocks }, { reportLockMerge }] = await Promise.all([import("../../app/lock-merge.js"), import("../../report/lock.js")]);
      const result = await mergeLocks(projectOptions(flags, ctx), { files, output: flags.output, git: flags.git });
      reportLockMerge(result, output({}, ctx));
      setExit(EXIT.OK);
    });
}
