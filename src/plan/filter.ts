import { summarize } from "./summary.js";
import type { Plan, PlanStep } from "./types.js";

/** A plan restricted to some steps (`--shard`), with its summary recounted. */
export function filterPlan(plan: Plan, keep: (step: PlanStep) => boolean): Plan {
  const steps = plan.steps.filter(keep);
  return { ...plan, steps, summary: summarize(steps), warnings: plan.warnings.filter((w) => steps.some((s) => s.character === w.character)) };
}
