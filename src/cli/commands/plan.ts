/** `rigup plan`: what a build would do, what it costs, and why. No network, but a weekly refresh of the animation library. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import {
  jsonOption,
  output,
  projectOptions,
  replaceOption,
  shardOption,
  withProjectOptions,
  withStoreOptions,
  type ProjectFlags,
} from "./common.js";

interface PlanFlags extends ProjectFlags {
  detailedExitcode?: boolean;
  verify?: boolean;
  replace?: string[];
}

export function registerPlanCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withStoreOptions(withProjectOptions(program.command("plan")), "optional")
    .description(
      "Show what `rigup build` would create, restore, download or prune, why, and what it would cost. " +
        "Offline, except that the team store (if any) is asked what it holds, and action ids are checked against the animation library, refetched weekly when a key is set.",
    )
    .addOption(jsonOption())
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when changes are pending, 1 on error")
    .option("--verify", "re-hash every output instead of trusting size and mtime")
    .addOption(shardOption())
    .addOption(replaceOption())
    .action(async (flags: PlanFlags) => {
      const [{ planBuild }, { reportPlan }] = await Promise.all([import("../../app/plan.js"), import("../../report/plan.js")]);
      const { plan, changes } = await planBuild(projectOptions(flags, ctx), flags, { stderr: ctx.stderr });
      reportPlan(plan, output(flags, ctx));
      setExit(flags.detailedExitcode && changes ? EXIT.CHANGES : EXIT.OK);
    });
}
