/** `rigup actions [search]`: the animation library as a table, from a cache refreshed weekly, or the snapshot shipped with rigup. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, output, projectOptions, type ProjectFlags } from "./common.js";

interface ActionsFlags extends ProjectFlags {
  manifest: string;
  category?: string;
  refresh?: boolean;
  emulator?: boolean;
}

export function registerActionsCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  program
    .command("actions [search]")
    .description(
      "List Meshy's animation library (id, name, category, sub-category) as a table on stdout: that table is the output; notes go to stderr. " +
        "Filters by text in the name or category. Cached in .rigup/actions-cache.json beside the manifest (or the user cache folder) and refetched after 7 days; " +
        "with no cache and no API key, the snapshot shipped with rigup is listed. stderr says which list was used.",
    )
    .option("-m, --manifest <file>", "the manifest whose .rigup/ holds the cache", "characters.yaml")
    .option("--category <name>", "only this category (case-insensitive), e.g. Fighting")
    .option("--refresh", "fetch the library now, even if the cache is fresh")
    .option("--emulator", "list the built-in emulator's library (no account, no network)")
    .option("--api-key-file <file>", "read the Meshy API key from this file (default: $MESHY_API_KEY)")
    .option("--api-base <url>", "Meshy API base URL (default: $MESHY_API_BASE, config apiBase, https://api.meshy.ai)")
    .addOption(jsonOption())
    .action(async (search: string | undefined, flags: ActionsFlags) => {
      const [{ listActions }, { reportActions }] = await Promise.all([import("../../app/actions.js"), import("../../report/actions.js")]);
      const list = await listActions(projectOptions(flags, ctx), { ...flags, search }, { stderr: ctx.stderr });
      reportActions(list, output(flags, ctx));
      setExit(EXIT.OK);
    });
}
