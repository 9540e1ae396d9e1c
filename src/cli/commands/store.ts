/** `rigup pull` and `rigup push`: the team store from the command line. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, output, projectOptions, withProjectOptions, withStoreOptions, type ProjectFlags } from "./common.js";

export function registerStoreCommands(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withStoreOptions(withProjectOptions(program.command("pull")), "required")
    .description("Restore every output characters.lock records from the team store. Needs no Meshy key and spends nothing.")
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => {
      const [{ pullProject }, { reportPull }, { runView }] = await Promise.all([
        import("../../app/pull.js"),
        import("../../report/store.js"),
        import("../../report/run.js"),
      ]);
      const out = output(flags, ctx);
      const result = await pullProject(projectOptions(flags, ctx), { stderr: ctx.stderr, view: runView(out, { showPlan: false }) });
      reportPull(result, out);
      setExit(result.summary.failed > 0 || result.left.length > 0 ? EXIT.FAILURE : EXIT.OK);
    });
  withStoreOptions(withProjectOptions(program.command("push")), "required")
    .description("Upload to the team store every recorded output it lacks, and record each unit for the team.")
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => {
      const [{ pushProject }, { reportPush }] = await Promise.all([import("../../app/push.js"), import("../../report/store.js")]);
      const result = await pushProject(projectOptions(flags, ctx), { stderr: ctx.stderr });
      reportPush(result, output(flags, ctx));
      setExit(result.failure || result.unavailable.length > 0 ? EXIT.FAILURE : EXIT.OK);
    });
}
