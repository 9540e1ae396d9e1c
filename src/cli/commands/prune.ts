/** `rigup prune`: delete outputs no longer in the manifest and retire their lock entries (task ids kept). Dry run unless --apply. Offline. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

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
      const [{ openProject }, { prune }] = await Promise.all([import("../../app/project.js"), import("../../app/prune.js")]);
      const project = await openProject(projectOptions(flags, ctx));
      const apply = Boolean(flags.apply || flags.yes);
      const result = await prune(project, { apply });
      if (flags.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

      const out: string[] = [];
      const verb = apply ? "deleted" : "would delete";
      for (const item of result.items) {
        out.push(`- ${item.key}: ${item.reasons.join("; ")}`);
        for (const p of item.paths) out.push(`    ${verb} ${p}`);
        for (const p of item.refused) out.push(`    refused ${p}: outside the output directory (check characters.lock)`);
        if (item.lockEntry) out.push(`    ${apply ? "retired" : "would retire"} its characters.lock entry (task ids kept)`);
      }
      const refused = result.items.reduce((n, i) => n + i.refused.length, 0);
      if (result.items.length === 0) out.push("Nothing to prune.");
      else if (!apply) out.push(`${result.deleted.length} files and ${result.lockEntries.length} lock entries to retire. Run \`rigup prune --apply\` to delete them.`);
      else out.push(`Pruned ${result.deleted.length} files, ${result.removedDirs.length} empty folders; retired ${result.lockEntries.length} lock entries (task ids kept).`);
      if (refused > 0) out.push(`Refused ${refused} path${refused === 1 ? "" : "s"} outside the output directory.`);
      ctx.stderr.write(`${out.join("\n")}\n`);
      setExit(refused > 0 ? EXIT.FAILURE : EXIT.OK);
    });
}
