/**
 * The planner's inputs and its result. The plan is data: the terraform-like text
 * (report/plan-text.ts) and `--json` are both rendered from it.
 */
import type { ResolvedManifest } from "../manifest/resolve.js";
import type { DiskFacts } from "../scan/facts.js";
import type { AnimationInputs, Lockfile, RigInputs, Target } from "../lockfile/schema.js";
import type { TaskKind } from "../meshy/schemas.js";
import type { UnitRecord } from "../store/record.js";
import type { StoreFacts, StoreQuestions } from "../store/record.js";

/** What the planner knows of the world: the disk (scan/) and, when there is one, the team store. */
export interface Facts extends DiskFacts {
  /** What the team store holds, as far as it was asked; absent: no store. */
  store?: StoreFacts;
}

export interface PlanInput {
  manifest: ResolvedManifest;
  lock: Lockfile;
  facts: Facts;
  /** Unix ms. Passed in, never read from the clock, so plans are testable. */
  now: number;
  /** Warn about rigs expiring within this many ms (default 7 days). */
  expiryWarningMs?: number;
  /**
   * `--replace`: units to re-make on purpose, paid, even when up to date: a character
   * name (its rig, and so all its clips) or a unit key (`knight/rig`, `knight/animations/attack`).
   */
  replace?: readonly string[];
  /**
   * Where the build would run: tasks made elsewhere cannot serve it (an emulator's
   * ids mean nothing to Meshy, and its outputs are placeholders), so for "meshy" they
   * are re-made, and no past task from elsewhere is re-used. Absent: the tree is
   * judged as it is (`check`, `status`).
   */
  target?: Target;
}

/**
 * - noop: up to date (also an expired rig whose outputs are all present)
 * - download: the task is alive and succeeded, some outputs are missing or wrong: free
 * - resume: a task was created and has not finished: wait for it, free
 * - restore: the outputs are in the team store (recorded by this lockfile, or a unit the team
 *   already paid for on another branch or machine: `adopt`): copied from there, free
 * - reconcile: a POST was sent (or about to be) but its answer is unknown: look the task up before anything is re-sent
 * - create: new unit: paid
 * - replace: the unit exists but must be made again (inputs changed, expired with outputs missing, new rig): paid
 * - prune: in the lockfile or output tree, no longer in the manifest
 */
export type StepAction = "noop" | "restore" | "download" | "resume" | "reconcile" | "create" | "replace" | "prune";

export interface PlanStep {
  /** `<character>/rig` or `<character>/animations/<name>`. */
  key: string;
  character: string;
  kind: TaskKind;
  /** Animation output name. */
  name?: string;
  action: StepAction;
  /** Why, in words a user understands. At least one for every action but noop. */
  reasons: string[];
  /** Credits this step will spend (create/replace only). */
  credits: number;
  /** Inputs and their digest as the manifest now says (absent for prune). */
  inputs?: RigInputs | AnimationInputs;
  digest?: string;
  /** Animation only: the action id. */
  actionId?: number;
  /** Existing task this step works with (download/resume/reconcile). */
  taskId?: string;
  /** Roles of output files this step must (re)download. */
  missing: string[];
  /** When the task's results expire, if known. */
  expiresAt?: number;
  /** Key of the step that must finish first (an animation waits for its rig). */
  dependsOn?: string;
  /** Prune: out-relative paths to delete. */
  paths?: string[];
  /** Restore: the store's record of the unit the team already paid for, taken into the lockfile. */
  adopt?: UnitRecord;
}

/** A character's merged GLB (plan/merge-rules.ts): made after its units, locally, free; or pruned. */
export interface MergeStep {
  /** `<character>/merged`. */
  key: string;
  character: string;
  action: "merge" | "prune";
  reasons: string[];
  /** Out-relative path of the merged file. */
  path: string;
}

export interface PlanWarning {
  character: string;
  code: "rig-expiring";
  message: string;
  expiresAt: number;
}

export interface PlanSummary {
  create: number;
  replace: number;
  restore: number;
  download: number;
  resume: number;
  reconcile: number;
  prune: number;
  noop: number;
  /** Merged character files to make (free). */
  merge: number;
  /** Credits the plan will spend. */
  credits: number;
}

export interface Plan {
  now: number;
  steps: PlanStep[];
  /** Merged character files to make or prune; up-to-date ones are not listed. */
  merges: MergeStep[];
  summary: PlanSummary;
  warnings: PlanWarning[];
  /** What the store should be asked before this plan is final (store/facts.ts); absent: nothing. */
  storeQuestions?: StoreQuestions;
}

/** True when running the plan would change anything. */
export function hasChanges(plan: Pick<Plan, "steps" | "merges">): boolean {
  return plan.merges.length > 0 || plan.steps.some((s) => s.action !== "noop");
}
