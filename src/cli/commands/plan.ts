/** `rigup plan`: what a build would do, what it costs, and why. No network, but a weekly refresh of the animation library. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { inShard } from "../../plan/shard.js";
import { replaceOption } from "./replace.js";
import { jsonOption, projectOptions, shardNotice, shardOption, withProjectOptions, withStoreOptions, type ProjectFlags } from "./common.js";

interface PlanFlags extends ProjectFlags {
  detailedExitcode?: boolean;
  verify?: boolean;
  replace?: string[];
}

export function registerPlanCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withStoreOptions(withProjectOptions(program.command("plan")))
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
      const [{ openProject, planProject }, { hasChanges }, { checkActionIds }] = await Promise.all([
        import("../../app/project.js"),
        import("../../plan/types.js"),
        import("../../app/check-action-ids.js"),
      ]);
      const project = await openProject(projectOptions(flags, ctx));
      await checkActionIds(project, { stderr: ctx.stderr });
      // What `rigup build` would do for real: the emulator's placeholders are re-made.
      const { openProjectStore } = await import("./store.js");
      const store = await openProjectStore(project.settings, ctx);
      const planned = await planProject(project, { verify: flags.verify, replace: flags.replace, target: "meshy", store }).finally(() => store?.close());
      await planned.statCache.save();
      let plan = planned.plan;
      if (flags.shard) {
        const { filterPlan } = await import("../../plan/filter.js");
        plan = filterPlan(plan, inShard(flags.shard));
        ctx.stderr.write(shardNotice(flags.shard, project.resolved.characters.map((c) => c.name)));
      }
      // A model this plan would pay to rig but cannot be rigged as asked: an input error now, offline.
      await (await import("../../app/check-models.js")).checkPaidModels(project, plan);
      if (flags.json) ctx.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      else {
        const { renderPlan } = await import("../../report/plan-text.js");
        ctx.stderr.write(renderPlan(plan, { color: ctx.color }));
      }
      setExit(flags.detailedExitcode && hasChanges(plan) ? EXIT.CHANGES : EXIT.OK);
    });
}
