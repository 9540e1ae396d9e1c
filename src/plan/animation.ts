/** One animation clip: its own needs, bound to the rig it must be made on (rules 2, 5, 6, 8, 11). */
import type { AnimationEntry, AnimationInputs, Target } from "../lockfile/schema.js";
import type { ResolvedAction } from "../manifest/resolve.js";
import { animationChanges } from "./changes.js";
import type { OutputFile } from "../manifest/layout.js";
import { applyReuse } from "./reuse.js";
import type { StoreView } from "./store-view.js";
import type { Facts } from "./types.js";
import { allRoles, assessUnit, isPaid, type UnitDecision } from "./unit.js";

export interface AnimationUnit {
  action: ResolvedAction;
  entry: AnimationEntry | undefined;
  inputs: AnimationInputs;
  digest: string;
  wanted: readonly OutputFile[];
  target?: Target;
}

/** The rig the character's clips will be made on, as its step decided. */
export interface RigContext {
  /** A new skeleton is coming (create, replace, resume, reconcile): every clip is re-made on it. */
  remade: boolean;
  /** The rig task clips must come from, when not remade. */
  taskId?: string;
  expiresAt?: number;
  /** Not remade and its task is gone: a new clip would need a re-rig (rule 4). */
  expired: boolean;
}

export const NEW_RIG_REASON = "re-made on the new rig: clips from different rig runs may not share a skeleton";

function ownNeeds(a: AnimationUnit, facts: Facts, now: number, stale: string | undefined, store?: StoreView): UnitDecision {
  return assessUnit({
    entry: a.entry,
    inputs: a.inputs,
    digest: a.digest,
    diff: animationChanges,
    wanted: a.wanted,
    facts,
    now,
    label: "task",
    // Built only when used: this runs for every clip of every plan.
    newReason: a.entry ? "" : `new action ${a.action.actionId} in characters.yaml`,
    stale,
    target: a.target,
    store,
  });
}

/**
 * What a clip needs given its rig: on a new rig, re-made; otherwise its own needs, a
 * clip of another rig task being stale (rule 6), reuse only of clips of that same rig.
 */
export function assessAnimation(
  character: string,
  a: AnimationUnit,
  rig: RigContext,
  facts: Facts,
  now: number,
  store?: StoreView,
): UnitDecision {
  const { entry } = a;
  if (rig.remade) {
    // docs/meshy-api.md §6.5: re-rigging the same mesh need not give the same skeleton.
    const d = ownNeeds(a, facts, now, undefined, store);
    if (entry === undefined || entry.state === "retired") return d;
    return { action: "replace", reasons: [NEW_RIG_REASON, ...(isPaid(d) ? d.reasons : [])], missing: allRoles(a.wanted) };
  }
  const stale =
    entry?.state === "succeeded" && entry.rig_task_id !== rig.taskId
      ? `made on rig task ${entry.rig_task_id ?? "(unknown)"}, but ${character}'s rig is task ${rig.taskId ?? "(unknown)"}: clips from different rig runs may not share a skeleton`
      : undefined;
  const d = ownNeeds(a, facts, now, stale, store);
  // Reuse a clip only when the rig it must match is known.
  return rig.taskId === undefined ? d : applyReuse(d, entry, a.digest, now, { rigTaskId: rig.taskId, target: a.target });
}
