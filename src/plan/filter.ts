import { summarize } from "./summary.js";
import type { MergeStep, Plan, PlanStep } from "./types.js";

/**
 * A plan restricted to some steps (`--shard`), with its summary recounted. Merges are
 * kept for the characters some kept step belongs to, unless `keepMerge` says otherwise.
 */
export function filterPlan(plan: Plan, keep: (step: PlanStep) => boolean, keepMerge?: (merge: MergeStep) => boolean): Plan {
  const steps = plan.steps.filter(keep);
  const merges = plan.merges.filter(keepMerge ?? ((m) => steps.some((s) => s.character === m.character)));
  return {
    ...plan,
    steps,
    merges,
    summary: summarize(steps, merges),
    warnings: plan.warnings.filter((w) => steps.some((s) => s.character === w.character)),
  };
}
