/** Why a character's files cannot be merged. Both are the files' fault (Meshy's output), not the caller's. */

/** A rig or clip file that cannot be merged: unreadable, no skin, no animation, or (subclass) another skeleton. */
export class MergeInputError extends Error {
  override name = "MergeInputError";
  constructor(
    /** The file at fault (an out-relative path). */
    readonly source: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SkeletonDifference {
  /** Joints of the rig the clip lacks, in the rig's skin order. */
  missing: string[];
  /** Joints of the clip the rig lacks, in the clip's skin order. */
  extra: string[];
  /** Joints whose parent joint differs; null means "no parent joint" (a root). */
  reparented: { joint: string; rig: string | null; clip: string | null }[];
  /** Joint names the clip's skin uses more than once. */
  duplicates: string[];
}

/** A clip whose skeleton is not the rig's: its channels cannot be trusted to mean the same joints. */
export class SkeletonMismatchError extends MergeInputError {
  override name = "SkeletonMismatchError";

  constructor(
    /** The clip's name. */
    readonly clip: string,
    source: string,
    readonly difference: SkeletonDifference,
  ) {
    super(source, describeDifference(clip, source, difference));
  }
}

const parentText = (name: string | null) => name ?? "none (a root)";

function describeDifference(clip: string, source: string, d: SkeletonDifference): string {
  const parts: string[] = [];
  if (d.missing.length > 0) parts.push(`missing joints ${d.missing.join(", ")}`);
  if (d.extra.length > 0) parts.push(`extra joints ${d.extra.join(", ")}`);
  if (d.duplicates.length > 0) parts.push(`joint names used twice ${d.duplicates.join(", ")}`);
  for (const r of d.reparented)
    parts.push(`joint ${r.joint}'s parent is ${parentText(r.rig)} in the rig, ${parentText(r.clip)} in the clip`);
  return `clip "${clip}" (${source}) does not have the rig's skeleton: ${parts.join("; ")}`;
}
