/** `rigup cache-key`: a stable hash of everything that determines the output tree. Offline. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, output, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

export function registerCacheKeyCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("cache-key"))
    .description(
      "Print a hash of what determines the output tree (resolved manifest with input files by content, the lockfile's output hashes, rigup's layout version): a CI cache key for out/. Offline.",
    )
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => {
      const [{ projectCacheKey }, { reportCacheKey }] = await Promise.all([
        import("../../app/cache-key.js"),
        import("../../report/cache-key.js"),
      ]);
      reportCacheKey(await projectCacheKey(projectOptions(flags, ctx)), output(flags, ctx));
      setExit(EXIT.OK);
    });
}
