/**
 * Why a preview item may not show what the next build would produce. Pure: the
 * caller says whether the file is on disk.
 */
import type { UnitEntry } from "../lockfile/schema.js";
import type { PlanStep } from "../plan/types.js";

/**
 * - ok: on disk, and the plan has nothing to do for it
 * - stale: on disk, but the plan would change it (inputs changed, expired, ...)
 * - missing: not on disk
 * - failed: the last task failed (an older file may still be on disk)
 */
export type PreviewStatus = "ok" | "stale" | "missing" | "failed";

export interface StatusInput {
  /** The plan step of the unit that produces the file (`<character>/rig` for bundled clips). */
  step?: PlanStep;
  entry?: UnitEntry;
  /** Out-relative path of the file. */
  path: string;
  /** The file's role in the lock entry (`glb`, `walking.glb`, ...). */
  role: string;
  present: boolean;
  /** Set when the file cannot be produced as configured (glb not in `formats`). */
  notRequested?: string;
}

export interface StatusResult {
  status: PreviewStatus;
  /** Empty only for ok. */
  reasons: string[];
}

/** Failed beats missing beats stale: the most actionable reason first. */
export function previewStatus({ step, entry, path, role, present, notRequested }: StatusInput): StatusResult {
  const planReasons =
    step && affectsFile(step, role) ? (step.reasons.length ? step.reasons.map((r) => `${step.action}: ${r}`) : [step.action]) : [];
  if (entry?.state === "failed") {
    const error = entry.error ? `${entry.error.message} (${entry.error.code})` : "the task failed";
    return { status: "failed", reasons: [error, ...planReasons] };
  }
  if (!present) {
    return { status: "missing", reasons: [`${path} not found`, ...(notRequested ? [notRequested] : []), ...planReasons] };
  }
  if (planReasons.length > 0) return { status: "stale", reasons: planReasons };
  return { status: "ok", reasons: [] };
}

/** A download that fetches only other roles (the .fbx) leaves this file as it is. */
function affectsFile(step: PlanStep, role: string): boolean {
  return step.action !== "noop" && !(step.action === "download" && !step.missing.includes(role));
}
