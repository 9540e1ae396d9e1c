/**
 * `rigup check`: is the output tree what characters.yaml and characters.lock say?
 * Runs before every game build, so it is the plan without the plan's prose: one
 * line per unit that a build would change. Offline; the stat cache means
 * unchanged files are only stat-ed, never re-hashed.
 */
import type { Lockfile } from "../lockfile/schema.js";
import { getUnit } from "../lockfile/units.js";
import { SYMBOLS } from "../report/plan-text.js";
import type { Plan, PlanStep, StepAction, PlanWarning } from "../plan/types.js";

export interface CheckItem {
  /** `<character>/rig`, `<character>/animations/<name>`, `<character>/merged`, or `<character>/stray`. */
  key: string;
  action: Exclude<StepAction, "noop"> | "merge";
  credits: number;
  /** What is wrong, in words; file paths are relative to the current directory. */
  problem: string;
  /** Out-relative paths a prune would delete. */
  paths?: string[];
}

export interface CheckReport {
  ok: boolean;
  items: CheckItem[];
  /** Units that are up to date. */
  upToDate: number;
  credits: number;
  warnings: PlanWarning[];
}

/**
 * @param outPrefix how to show the output directory in messages (e.g. `out`), so
 *   `knight/rig/knight.glb missing` reads `out/knight/rig/knight.glb missing`.
 */
export function checkPlan(plan: Plan, lock: Lockfile, outPrefix: string): CheckReport {
  const items: CheckItem[] = [];
  let upToDate = 0;
  for (const step of plan.steps) {
    if (step.action === "noop") {
      upToDate++;
      continue;
    }
    const item: CheckItem = { key: step.key, action: step.action, credits: step.credits, problem: problemOf(step, lock, outPrefix) };
    if (step.paths) item.paths = step.paths;
    items.push(item);
  }
  for (const m of plan.merges) {
    const problem = m.reasons.map((r) => (r.startsWith(`${m.character}/`) ? `${outPrefix}/${r}` : r)).join("; ");
    items.push({ key: m.key, action: m.action, credits: 0, problem, ...(m.action === "prune" && { paths: [m.path] }) });
  }
  return { ok: items.length === 0, items, upToDate, credits: plan.summary.credits, warnings: plan.warnings };
}

function problemOf(step: PlanStep, lock: Lockfile, outPrefix: string): string {
  if (step.action === "create" && getUnit(lock, step.character, step.kind, step.name) === undefined) return "not built yet";
  if (step.action === "prune") return `${step.reasons.join("; ")}: ${(step.paths ?? []).map((p) => `${outPrefix}/${p}`).join(", ")}`;
  // File reasons (plan/files.ts) start with the out-relative path, which starts with the character's name.
  return step.reasons.map((r) => (r.startsWith(`${step.character}/`) ? `${outPrefix}/${r}` : r)).join("; ");
}

/** `knight/animations/action-92: not built yet (+ create, 3 credits)`. */
export function formatCheckItem(item: CheckItem): string {
  const cost = item.credits > 0 ? `, ${item.credits} credit${item.credits === 1 ? "" : "s"}` : "";
  return `${item.key}: ${item.problem} (${SYMBOLS[item.action].symbol} ${item.action}${cost})`;
}
