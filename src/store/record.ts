/**
 * What the team store holds, by key, and the unit registry's record: pure, so the
 * planner can reason about it. Layout under the store's root:
 *
 *   objects/sha256/<ab>/<sha256>        an output's bytes, immutable, shared by every unit that has them
 *   units/<kind>/<key>.json             a unit the team paid for: its task and its outputs' hashes
 *   claims/<kind>/<key>.json            "a machine is making this unit now": others wait for its record
 *
 * A unit's key is the digest of what determines its result (its inputs' digest; for a clip,
 * the rig task it is made on) and where it was made: the emulator's never serve a real build.
 */
import { z } from "zod";
import { digestOf } from "../text/canonical-json.js";
import type { Target } from "../lockfile/schema.js";
import type { TaskKind } from "../meshy/schemas.js";

export function objectKey(sha256: string): string {
  return `objects/sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** What identifies a unit's result across machines and branches. */
export interface UnitRef {
  kind: TaskKind;
  digest: string;
  /** A clip: the rig task it is made on (clips of one character must share it). */
  rigTaskId?: string;
  target: Target;
}

export function registryKey(ref: UnitRef): string {
  const id = digestOf({ kind: ref.kind, digest: ref.digest, rig_task_id: ref.rigTaskId ?? null, made_by: ref.target });
  return `${ref.kind}/${id}`;
}
export const recordKey = (ref: UnitRef) => `units/${registryKey(ref)}.json`;
export const claimKey = (ref: UnitRef) => `claims/${registryKey(ref)}.json`;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const Ms = z.number().int().nonnegative();

export const UnitRecordSchema = z.object({
  rigup_unit: z.literal(1),
  kind: z.enum(["rig", "animation"]),
  digest: Sha256,
  rig_task_id: z.string().min(1).optional(),
  made_by: z.literal("emulator").optional(),
  api_version: z.union([z.literal(1), z.literal(2)]).optional(),
  task_id: z.string().min(1),
  created_at: Ms.optional(),
  finished_at: Ms.optional(),
  expires_at: Ms.optional(),
  credits: z.number().nonnegative().optional(),
  /** Every output by role (plan/layout.ts); paths are each project's own, so not recorded. */
  files: z.record(z.string(), z.object({ size: z.number().int().nonnegative(), sha256: Sha256 })),
  /** Roles the task did not offer. */
  unavailable: z.array(z.string()).optional(),
  recorded_by: z.string(),
  recorded_at: Ms,
});
export type UnitRecord = z.infer<typeof UnitRecordSchema>;

export const ClaimSchema = z.object({
  rigup_claim: z.literal(1),
  host: z.string(),
  /** The claimer's lockfile: a claim from this host and lockfile is this project's own (a killed run). */
  lockfile: z.string(),
  pid: z.number().int(),
  claimed_at: Ms,
});
export type Claim = z.infer<typeof ClaimSchema>;

/** True when `record` has every role the project wants (or says the task did not offer it). */
export function recordCovers(record: UnitRecord, roles: readonly string[]): boolean {
  return roles.every((r) => record.files[r] !== undefined || record.unavailable?.includes(r));
}

/** What the store was found to hold. */
export interface StoreFacts {
  /** sha256 → whether the store holds those bytes; absent: not asked. */
  objects: ReadonlyMap<string, boolean>;
  /** registry key → the unit's record, or null when the store has none; absent: not asked. */
  units: ReadonlyMap<string, UnitRecord | null>;
}

/** Questions for the store that would change the plan. */
export interface StoreQuestions {
  objects: string[];
  units: UnitRef[];
}
