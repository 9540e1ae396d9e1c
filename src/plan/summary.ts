/** Counts per action and the credits a plan will spend. */
import type { MergeStep, PlanStep, PlanSummary } from "./types.js";

/** Counts steps per action and adds up their credits. */
export function summarize(steps: readonly PlanStep[], merges: readonly MergeStep[] = []): PlanSummary {
  const s: PlanSummary = {
    create: 0,
    replace: 0,
    restore: 0,
    download: 0,
    resume: 0,
    reconcile: 0,
    prune: 0,
    noop: 0,
    merge: 0,
    credits: 0,
  };
  for (const m of merges) s[m.action]++;
  for (const step of steps) {
    s[step.action]++;
    s.credits += step.credits;
  }
  return s;
}
