/** `rigup prune`: delete outputs no longer in the manifest and retire their lock entries (task ids kept). Dry run unless --apply. Offline. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, output, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

interface PruneFlags extends ProjectFlags {
  apply?: boolean;
  yes?: boolean;
}

export function registerPruneCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("prune"))
    .description(
      "Delete outputs of characters and actions no longer in characters.yaml, and stray files in their folders; their characters.lock entries are retired, keeping the task ids (adding one back while its tasks live re-downloads for free). `rigup build` does the same. Prints what it would delete unless --apply. Offline.",
    )
    .option("--apply", "delete the files and retire the lock entries (default: dry run)")
    .option("-y, --yes", "same as --apply")
    .addOption(jsonOption())
    .action(async (flags: PruneFlags) => {
      const [{ pruneProject }, { reportPrune }] = await Promise.all([import("../../app/prune.js"), import("../../report/prune.js")]);
      const result = await pruneProject(projectOptions(flags, ctx), { apply: Boolean(flags.apply || flags.yes) });
      reportPrune(result, output(flags, ctx));
      // Paths that would leave the output directory were refused.
      setExit(result.items.some((i) => i.refused.length > 0) ? EXIT.FAILURE : EXIT.OK);
    });
}
