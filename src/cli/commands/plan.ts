/** `rigup plan`: what a build would do, what it costs, and why. No network. */
import type { Command } from "commander";
import { EXIT } from "../../errors.js";
import type { CliEnv } from "../env.js";
import { inShard } from "../../plan/shard.js";
import { jsonOption, projectOptions, shardNotice, shardOption, withProjectOptions, type ProjectFlags } from "./common.js";

interface PlanFlags extends ProjectFlags {
  detailedExitcode?: boolean;
  verify?: boolean;
}

export function registerPlanCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("plan"))
    .description("Show what `rigup build` would create, download or prune, why, and what it would cost. Offline.")
    .addOption(jsonOption())
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when changes are pending, 1 on error")
    .option("--verify", "re-hash every output instead of trusting size and mtime")
    .addOption(shardOption())
    .action(async (flags: PlanFlags) => {
      const { openProject, planProject } = await import("../../project.js");
      const { hasChanges } = await import("../../plan/types.js");
      const project = await openProject(projectOptions(flags, ctx));
      const planned = await planProject(project, { verify: flags.verify });
      await planned.statCache.save();
      let plan = planned.plan;
      if (flags.shard) {
        const { filterPlan } = await import("../../plan/filter.js");
        plan = filterPlan(plan, inShard(flags.shard));
        ctx.stderr.write(shardNotice(flags.shard, project.resolved.characters.map((c) => c.name)));
      }
      if (flags.json) ctx.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      else {
        const { renderPlan } = await import("../../report/plan-text.js");
        ctx.stderr.write(renderPlan(plan, { color: ctx.color }));
      }
      setExit(flags.detailedExitcode && hasChanges(plan) ? EXIT.CHANGES : EXIT.OK);
    });
}
