/**
 * Whether a plan may run, decided before any money is spent. Pure.
 * - `--frozen` (CI, like `npm ci`): the lockfile must already describe every
 *   unit; downloads are fine, creating a paid task is not.
 * - `--max-credits N`: refuse a plan that costs more.
 * - spending needs consent: `--yes`, or a "y" on a terminal. In CI or without a
 *   TTY nobody can answer, so the run refuses instead of hanging or spending.
 */
import type { Plan, PlanStep } from "../plan/types.js";

export interface SpendPolicy {
  frozen?: boolean;
  maxCredits?: number;
  yes?: boolean;
  /** A person can answer a prompt (TTY, not CI). */
  interactive: boolean;
  /** Credits are not real (the built-in emulator). */
  freeCredits?: boolean;
}

export type PolicyDecision = { kind: "run" } | { kind: "ask"; question: string } | { kind: "refuse"; message: string; steps?: PlanStep[] };

/** Credits the plan may spend: paid steps, plus reconciles that may turn into creates. */
export function worstCaseCredits(plan: Plan, creditsOf: (s: PlanStep) => number): number {
  return plan.steps.reduce((sum, s) => sum + (s.action === "reconcile" ? creditsOf(s) : s.credits), 0);
}

export function decideSpend(plan: Plan, policy: SpendPolicy, worstCase: number): PolicyDecision {
  const paid = plan.steps.filter((s) => s.action === "create" || s.action === "replace");
  if (policy.frozen && paid.length > 0) {
    return {
      kind: "refuse",
      message:
        `--frozen: the lockfile does not cover ${paid.length} unit(s) of the manifest; nothing was sent. ` +
        "Run `rigup build` where credits may be spent and commit the lockfile. A build would create paid tasks for:",
      steps: paid,
    };
  }
  // The executor refuses every create under --frozen, so a reconcile cannot turn into one: nothing to consent to.
  if (policy.frozen) return { kind: "run" };
  if (policy.maxCredits !== undefined && worstCase > policy.maxCredits) {
    return {
      kind: "refuse",
      message: `this plan may spend ${worstCase} credits, more than --max-credits ${policy.maxCredits}; nothing was sent`,
    };
  }
  if (worstCase === 0 || policy.yes || policy.freeCredits) return { kind: "run" };
  if (policy.interactive) return { kind: "ask", question: `Spend up to ${worstCase} Meshy credits?` };
  return {
    kind: "refuse",
    message: `this plan spends up to ${worstCase} credits and nobody can confirm it here (no TTY or CI); re-run with --yes (and --max-credits N to cap it)`,
  };
}
