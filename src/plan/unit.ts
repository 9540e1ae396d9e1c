/**
 * The state machine shared by rigs and animations: from a unit's lock entry, its
 * digest now and its files on disk to what it needs on its own (rules 1, 2, 3, 7, 8,
 * 9, 10). Cross-unit rules (a new rig re-makes its clips, reuse, re-rig) are applied
 * by the callers.
 */
import type { Target, UnitEntry } from "../lockfile/schema.js";
import { madeBy } from "../lockfile/units.js";
import { isoDate } from "./words.js";
import { availableUntil, isExpired } from "./expiry.js";
import { checkFiles, fileReasons } from "./files.js";
import type { OutputFile } from "../manifest/layout.js";
import type { StoreView } from "./store-view.js";
import type { Facts, PlanStep, StepAction } from "./types.js";
import type { UnitRecord } from "../store/record.js";

/** A unit's decision: the part of a PlanStep that depends on its state. */
export interface UnitDecision {
  action: Exclude<StepAction, "prune">;
  reasons: string[];
  missing: string[];
  taskId?: string;
  expiresAt?: number;
  /** Restore of a unit the team already paid for (plan/adopt.ts). */
  adopt?: UnitRecord;
}

export interface UnitFacts<I = unknown> {
  entry: (UnitEntry & { inputs: I }) | undefined;
  inputs: I;
  digest: string;
  /** Why `after` differs from `before`, in words; called only when the digests differ. */
  diff: (before: I, after: I) => string[];
  wanted: readonly OutputFile[];
  facts: Facts;
  now: number;
  /** How reasons name the unit's task: "rig task", "task". */
  label: string;
  /** Reason for a unit with no entry. */
  newReason: string;
  /** A reason to re-make a succeeded unit whose inputs did not change (a clip made on an older rig). */
  stale?: string;
  /** PlanInput.target. */
  target?: Target;
  /** The team store, when there is one. */
  store?: StoreView;
}

/** Create and replace spend credits; everything else is free. */
export function isPaid(d: Pick<PlanStep, "action">): boolean {
  return d.action === "create" || d.action === "replace";
}

/** Every role of the wanted files: what a new task must download. */
export function allRoles(wanted: readonly OutputFile[]): string[] {
  return wanted.map((f) => f.role);
}

function changeReasons<I>(u: UnitFacts<I>, entry: UnitEntry & { inputs: I }): string[] {
  const changes = u.diff(entry.inputs, u.inputs);
  return changes.length > 0 ? changes : ["inputs changed"];
}

/** What the unit needs on its own, from its lock entry, inputs and files. */
export function assessUnit<I>(u: UnitFacts<I>): UnitDecision {
  const { entry } = u;
  // A retired unit is back: new to the plan, but its past tasks may still be re-used (callers apply reuse).
  if (entry === undefined || entry.state === "retired")
    return { action: "create", reasons: [u.newReason || "back in characters.yaml"], missing: allRoles(u.wanted) };
  // Only Meshy's own tasks count for a real build: nothing of the emulator's is looked up, resumed or kept.
  if (u.target === "meshy" && madeBy(entry) === "emulator") {
    return {
      action: "replace",
      reasons: [`made by the built-in emulator (placeholder outputs, an id Meshy does not know): made for real`],
      missing: allRoles(u.wanted),
    };
  }
  const changed = entry.digest !== u.digest;
  const id = entry.task_id ?? "(no id)";
  switch (entry.state) {
    case "intent":
    case "unknown": {
      // No idempotency key (docs/meshy-api.md §6.2): the lost POST may have created and billed a
      // task, so look it up before anything is re-sent, even if the inputs changed since.
      const reasons = [
        `a request was sent on ${isoDate(entry.intent_at)} but its answer was lost; checking Meshy's task list before anything is re-sent`,
      ];
      if (changed) reasons.push(`inputs changed since (${changeReasons(u, entry).join(", ")}): plan again once it is settled`);
      return withTask({ action: "reconcile", reasons, missing: allRoles(u.wanted) }, entry);
    }
    case "pending":
      if (!changed)
        return withTask({ action: "resume", reasons: [`task ${id} still running; waiting for it`], missing: allRoles(u.wanted) }, entry);
      // The running task is paid for and answers the old inputs: say so, the executor keeps its id in history.
      return {
        action: "replace",
        reasons: [`inputs changed while task ${id} was running`, ...changeReasons(u, entry)],
        missing: allRoles(u.wanted),
      };
    case "failed": {
      // Meshy refunds failed tasks (docs/meshy-api.md §6.1), so trying again costs only the new task.
      const reasons = [`previous attempt failed: ${entry.error?.message || "no message"}`];
      if (changed) reasons.push(...changeReasons(u, entry));
      return { action: "create", reasons, missing: allRoles(u.wanted) };
    }
    case "succeeded":
      return assessSucceeded(u, entry, changed, id);
  }
}

function assessSucceeded<I>(u: UnitFacts<I>, entry: UnitEntry & { inputs: I }, changed: boolean, id: string): UnitDecision {
  if (changed) return { action: "replace", reasons: changeReasons(u, entry), missing: allRoles(u.wanted) };
  if (u.stale !== undefined) return { action: "replace", reasons: [u.stale], missing: allRoles(u.wanted) };
  const { missing, problems } = checkFiles(u.wanted, entry, u.facts);
  if (missing.length === 0) return withTask({ action: "noop", reasons: [], missing }, entry, false);
  // The store outlives Meshy's 3 days and needs no key: preferred to any download.
  if (inStore(u.store, entry, missing)) {
    return withTask(
      { action: "restore", reasons: [...fileReasons(problems), "kept in the team store: restored from there (free)"], missing },
      entry,
    );
  }
  if (entry.task_id !== undefined && !isExpired(availableUntil(entry), u.now)) {
    return withTask({ action: "download", reasons: fileReasons(problems), missing }, entry);
  }
  // Expired results are gone (GET answers 404): the files can only come from a new, paid task.
  const when =
    entry.gone_at !== undefined
      ? `was gone at Meshy on ${isoDate(entry.gone_at)} (deleted, or expired early)`
      : entry.expires_at
        ? `expired on ${isoDate(entry.expires_at)}`
        : "is no longer recorded";
  return {
    action: "replace",
    reasons: [`${u.label} ${id} ${when} and files are missing`, ...fileReasons(problems)],
    missing: allRoles(u.wanted),
  };
}

function inStore(store: StoreView | undefined, entry: UnitEntry, roles: readonly string[]): boolean {
  if (store === undefined) return false;
  const shas: string[] = [];
  for (const role of roles) {
    const sha = entry.files[role]?.sha256;
    if (sha === undefined) return false;
    shas.push(sha);
  }
  return store.holdsAll(shas) === true;
}

function withTask(d: UnitDecision, entry: UnitEntry, setTask = true): UnitDecision {
  if (setTask && entry.task_id !== undefined) d.taskId = entry.task_id;
  const until = availableUntil(entry);
  if (until) d.expiresAt = until;
  return d;
}
