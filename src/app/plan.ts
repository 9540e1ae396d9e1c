/**
 * `rigup plan`: what `rigup build` would do for real, what it would cost, and why.
 * Offline but for the team store (asked what it holds) and the animation library
 * (action ids are checked against it, refetched weekly when a key is set).
 */
import type { Writable } from "node:stream";
import type { Shard } from "../plan/shard.js";
import { hasChanges, type Plan } from "../plan/types.js";
import { checkActionIds } from "./check-action-ids.js";
import { checkPaidModels } from "./check-models.js";
import { openProject, planProject, type ProjectOptions } from "./project.js";
import { planOfShard, shardNotice } from "./shard.js";
import { openProjectStore } from "./team-store.js";

export interface PlanOptions {
  /** Re-hash every output instead of trusting size and mtime. */
  verify?: boolean;
  replace?: string[];
  shard?: Shard;
}

export interface PlanResult {
  plan: Plan;
  /** Whether a build would change anything (`--detailed-exitcode`). */
  changes: boolean;
}

/** Notices (the store, the shard, library warnings) go to `stderr` as they happen. */
export async function planBuild(opts: ProjectOptions, o: PlanOptions, io: { stderr: Writable }): Promise<PlanResult> {
  const project = await openProject(opts);
  await checkActionIds(project, { stderr: io.stderr });
  // What `rigup build` would do for real: the emulator's placeholders are re-made.
  const store = await openProjectStore(project.settings, io.stderr);
  const planned = await planProject(project, { verify: o.verify, replace: o.replace, target: "meshy", store }).finally(() =>
    store?.close(),
  );
  await planned.statCache.save();
  const plan = planOfShard(planned.plan, o.shard);
  if (o.shard)
    io.stderr.write(
      shardNotice(
        o.shard,
        project.resolved.characters.map((c) => c.name),
      ),
    );
  // A model this plan would pay to rig but cannot be rigged as asked: an input error now, offline.
  await checkPaidModels(project, plan);
  return { plan, changes: hasChanges(plan) };
}
