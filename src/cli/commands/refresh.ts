/** `rigup refresh`: re-read every recorded task's status and expiry from Meshy. Free. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { intArg, jsonOption, output, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

export function registerRefreshCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("refresh"))
    .description(
      "Re-read every task characters.lock records (current and past) from Meshy and record its expiry, or that it is gone " +
        "(deleted, or expired early). Free: creates nothing, downloads nothing. The next plan shows what re-making costs.",
    )
    .option("--api-key-file <file>", "read the Meshy API key from this file (default: $MESHY_API_KEY)")
    .option("--api-base <url>", "Meshy API base URL (default: $MESHY_API_BASE, https://api.meshy.ai)")
    .option("--api-version <n>", "Meshy API version: 2 (default) or 1", intArg("--api-version", 1, 2))
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => {
      const [{ refreshProject }, { reportRefresh }] = await Promise.all([
        import("../../app/refresh.js"),
        import("../../report/refresh.js"),
      ]);
      const tasks = await refreshProject(projectOptions(flags, ctx), { stderr: ctx.stderr });
      reportRefresh(tasks, output(flags, ctx));
      setExit(tasks.some((t) => t.outcome === "error") ? EXIT.FAILURE : EXIT.OK);
    });
}
