/** A character's rig: its own needs, and the re-rig an expired rig forces (rule 4). */
import type { RigEntry, RigInputs, Target } from "../lockfile/schema.js";
import { CREDITS } from "../meshy/schemas.js";
import { rigChanges } from "./changes.js";
import { allClips, isoDate } from "./words.js";
import type { OutputFile } from "../manifest/layout.js";
import { applyReuse } from "./reuse.js";
import type { StoreView } from "./store-view.js";
import type { Facts } from "./types.js";
import { allRoles, assessUnit, type UnitDecision } from "./unit.js";

export interface RigUnit {
  entry: RigEntry | undefined;
  inputs: RigInputs;
  digest: string;
  wanted: readonly OutputFile[];
  target?: Target;
}

/** What the rig needs on its own, a live task with the same inputs preferred to paying. */
export function assessRig(rig: RigUnit, facts: Facts, now: number, store?: StoreView): UnitDecision {
  const { entry } = rig;
  const d = assessUnit({
    entry,
    inputs: rig.inputs,
    digest: rig.digest,
    diff: rigChanges,
    wanted: rig.wanted,
    facts,
    now,
    label: "rig task",
    newReason: "new character in characters.yaml",
    target: rig.target,
    store,
  });
  return applyReuse(d, entry, rig.digest, now, { target: rig.target });
}

/** A clip that needs a paid task; `isNew` when it has no lock entry yet. */
export interface Trigger {
  name: string;
  isNew: boolean;
}

const MAX_NAMED = 3;

/**
 * Rule 4: a new or re-made clip needs a live rig (docs/meshy-api.md §6.3: after expiry an animation
 * can no longer use that rig), and a new rig may not give the same skeleton, so all the
 * character's clips are re-made with it.
 */
export function rerig(rig: RigUnit, expiresAt: number, triggers: readonly Trigger[], clips: number, now: number): UnitDecision {
  const named = triggers.slice(0, MAX_NAMED).map((t) => `${t.isNew ? "adding" : "re-making"} ${t.name}`);
  if (triggers.length > MAX_NAMED) named.push(`${triggers.length - MAX_NAMED} more`);
  const what = named.join(", ");
  const base = `${what} ${triggers.length === 1 ? "needs" : "need"} a live rig; rig task expired on ${isoDate(expiresAt)}`;
  const paid: UnitDecision = { action: "replace", reasons: [base], missing: allRoles(rig.wanted) };
  const reused = applyReuse(paid, rig.entry, rig.digest, now, { target: rig.target });
  if (reused !== paid) return reused;
  paid.reasons = [
    `${base}; re-rigging (${CREDITS.rig} credits) and re-making ${allClips(clips)} (${clips * CREDITS.animation} credits) so they share one skeleton`,
  ];
  return paid;
}
