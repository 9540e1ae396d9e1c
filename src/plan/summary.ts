/** Counts per action and the credits a plan will spend. */
import type { PlanStep, PlanSummary } from "./types.js";

/** Counts steps per action and adds up their credits. */
export function summarize(steps: readonly PlanStep[]): PlanSummary {
  const s: PlanSummary = { create: 0, replace: 0, download: 0, resume: 0, reconcile: 0, prune: 0, noop: 0, credits: 0 };
  for (const step of steps) {
    s[step.action]++;
    s.credits += step.credits;
  }
  return s;
}
