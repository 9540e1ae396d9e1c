/**
 * `rigup check`: is the output tree what characters.yaml and characters.lock say?
 * Runs before every game build, so it is the plan without the plan's prose: one
 * line per unit that a build would change. Offline; the stat cache means
 * unchanged files are only stat-ed, never re-hashed.
 */
import path from "node:path";
import type { Lockfile } from "../lockfile/schema.js";
import { getUnit } from "../lockfile/units.js";
import type { Plan, PlanStep, StepAction, PlanWarning } from "../plan/types.js";
import type { ProjectOptions } from "./project.js";
import { snapshotRecorder, snapshotVerdict } from "./snapshot-verdict.js";

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
 * `rigup check` (and `rigup build --check`): the snapshot's verdict when it holds
 * (Node built-ins only), else the full offline plan, which records the next snapshot.
 */
export async function checkProject(opts: ProjectOptions): Promise<CheckReport> {
  const verdict = snapshotVerdict(opts);
  if (verdict.hit) return { ok: true, items: [], upToDate: verdict.hit.upToDate, credits: 0, warnings: [] };

  const { openProject, planProject } = await import("./project.js");
  const recorder = await snapshotRecorder(verdict);
  const project = await openProject(opts);
  const { plan, statCache, facts } = await planProject(project, { onStat: recorder?.onStat });
  // Only dirty when something had to be hashed: the next check is then stat-only.
  await statCache.save();
  const outPrefix = path.relative(opts.cwd, project.settings.outDir).split(path.sep).join("/") || ".";
  const result = checkPlan(plan, project.lock, outPrefix);
  recorder?.finish(project, plan, facts);
  return result;
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
