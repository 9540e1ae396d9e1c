/** `rigup refresh`: re-read every recorded task's status and expiry from Meshy. Free. */
import type { Command } from "commander";
import { EXIT, UserError } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { apiTarget } from "./api-target.js";
import { intArg, jsonOption, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

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
      const [{ openProject }, { refresh }, { MeshyClient }, { isoDate }] = await Promise.all([
        import("../../app/project.js"),
        import("../../app/refresh.js"),
        import("../../meshy/client.js"),
        import("../../plan/words.js"),
      ]);
      const project = await openProject(projectOptions(flags, ctx));
      const { apiBase, apiKey } = await apiTarget(project.settings, false, ctx.stderr);
      if (!apiKey) throw new UserError("NO_API_KEY", "no Meshy API key", { hint: "set MESHY_API_KEY, or pass --api-key-file FILE" });
      const api = new MeshyClient({ baseUrl: apiBase, apiVersion: project.settings.apiVersion, apiKey, requestsPerSecond: project.settings.requestsPerSecond });
      try {
        const tasks = await refresh({ project, api });
        if (flags.json) ctx.stdout.write(`${JSON.stringify({ tasks }, null, 2)}\n`);
        const lines = tasks.map((t) => {
          const which = t.current ? "" : " (past task)";
          const what =
            t.outcome === "alive"
              ? t.expiresAt ? `available until ${isoDate(t.expiresAt)}` : "available (expiry not known yet)"
              : t.outcome === "gone" ? "GONE at Meshy (deleted, or expired early): recorded; its files can only come from a new task"
              : t.outcome === "unchanged-gone" ? "gone (recorded earlier)"
              : `not read: ${t.message}`;
          return `${t.unit}: task ${t.taskId}${which}: ${what}`;
        });
        const errors = tasks.filter((t) => t.outcome === "error").length;
        lines.push(`rigup refresh: ${tasks.length} recorded tasks read, ${tasks.filter((t) => t.outcome === "gone").length} newly found gone${errors ? `, ${errors} not read` : ""}. Run \`rigup plan\` to see what that changes.`);
        ctx.stderr.write(`${lines.join("\n")}\n`);
        setExit(errors > 0 ? EXIT.FAILURE : EXIT.OK);
      } finally {
        await api.close();
      }
    });
}
