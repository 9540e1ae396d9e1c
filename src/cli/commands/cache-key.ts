/** `rigup cache-key`: a stable hash of everything that determines the output tree. Offline. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

export function registerCacheKeyCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("cache-key"))
    .description(
      "Print a hash of what determines the output tree (resolved manifest with input files by content, the lockfile's output hashes, rigup's layout version): a CI cache key for out/. Offline.",
    )
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => {
      const [{ openProject }, { cacheKey }, { gatherFacts }, { StatCache }, { emptyLockfile }] = await Promise.all([
        import("../../app/project.js"),
        import("../../app/cache-key.js"),
        import("../../scan/facts.js"),
        import("../../scan/stat-cache.js"),
        import("../../lockfile/schema.js"),
      ]);
      const project = await openProject(projectOptions(flags, ctx));
      const { settings } = project;
      const statCache = await StatCache.load(settings.stateDir);
      // Only input hashes are needed: an empty lock makes the scan hash no output.
      const facts = await gatherFacts({
        manifest: project.resolved,
        manifestDir: settings.manifestDir,
        outDir: settings.outDir,
        lock: emptyLockfile(),
        statCache,
        verify: false,
      });
      await statCache.save();
      const key = cacheKey(project.resolved, project.lock, facts);
      ctx.stdout.write(flags.json ? `${JSON.stringify(key, null, 2)}\n` : `${key.key}\n`);
      setExit(EXIT.OK);
    });
}
