/**
 * `characters.lock`: what rigup has paid for and downloaded. Generated, committed.
 *
 * On disk it is line-oriented: a comment header, a version line, then one JSON
 * object per rig and per animation, sorted, keys sorted. Two branches that add
 * different characters touch different lines, so git merges them without a
 * conflict, and a conflict that does happen (same spot) is resolved by
 * `rigup lock merge`. It is rewritten on every task event (write-ahead), so it
 * must serialise in milliseconds even at thousands of units: JSON lines do.
 *
 * Never stored here: signed URLs, the API key, local mtimes (those live in the
 * untracked stat cache, so the lockfile is the same on every machine).
 */
import { z } from "zod";
import { PostProcessSchema, TaskStatusSchema } from "../meshy/schemas.js";
import { SafeNameSchema } from "../manifest/schema.js";

export const LOCKFILE_VERSION = 1;

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, { message: "must be a lowercase sha256 hex digest" });
const MsSchema = z.number().int().nonnegative().meta({ description: "Unix time in milliseconds." });

/** A downloaded output file. `path` is relative to the output directory, with "/" separators (plan/layout.ts). */
export const FileRecordSchema = z.strictObject({
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: Sha256Schema,
});
export type FileRecord = z.infer<typeof FileRecordSchema>;

/**
 * Where a unit stands:
 * - intent: about to POST (written before sending); found on start, the POST may have happened
 * - unknown: the POST's answer was lost; it may have created (and billed) a task
 * - pending: the task exists and has not finished
 * - succeeded / failed: terminal (failed also covers a 400/422 refusal, which has no task id)
 */
export const UnitStateSchema = z.enum(["intent", "unknown", "pending", "succeeded", "failed"]);
export type UnitState = z.infer<typeof UnitStateSchema>;

/** Everything that determines a rig's result. Hashes, never file contents or paths. */
export const RigInputsSchema = z.strictObject({
  source: z.union([
    z.strictObject({ file_sha256: Sha256Schema }),
    z.strictObject({ url: z.string() }),
    z.strictObject({ input_task_id: z.string() }),
  ]),
  height_meters: z.number().positive(),
  texture: z.union([z.strictObject({ file_sha256: Sha256Schema }), z.strictObject({ url: z.string() }), z.null()]),
});
export type RigInputs = z.infer<typeof RigInputsSchema>;

/** Everything that determines an animation's result, besides the rig it is made on. */
export const AnimationInputsSchema = z.strictObject({
  action_id: z.number().int().nonnegative(),
  post_process: PostProcessSchema.nullable(),
});
export type AnimationInputs = z.infer<typeof AnimationInputsSchema>;

/** A task this unit had before it was replaced: kept so a paid task id is never lost. */
export const PastTaskSchema = z.strictObject({
  task_id: z.string(),
  digest: Sha256Schema,
  rig_task_id: z.string().optional(),
  created_at: MsSchema.optional(),
  expires_at: MsSchema.optional(),
  credits: z.number().nonnegative().optional(),
});
export type PastTask = z.infer<typeof PastTaskSchema>;
/** How many replaced tasks a unit remembers. */
export const HISTORY_LIMIT = 10;

const unitFields = {
  /** sha256 of the canonical JSON of `inputs`. */
  digest: Sha256Schema,
  state: UnitStateSchema,
  /** When the write-ahead intent was recorded (local clock). */
  intent_at: MsSchema,
  task_id: z.string().min(1).optional(),
  /** Meshy's status as last seen. */
  status: TaskStatusSchema.optional(),
  created_at: MsSchema.optional(),
  finished_at: MsSchema.optional(),
  expires_at: MsSchema.optional(),
  credits: z.number().nonnegative().optional(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  /** Downloaded files by role (see plan/layout.ts). */
  files: z.record(z.string(), FileRecordSchema).default({}),
  /** Roles the service's result did not offer (so they are not "missing"). */
  unavailable: z.array(z.string()).optional(),
  history: z.array(PastTaskSchema).max(HISTORY_LIMIT).optional(),
};

export const RigEntrySchema = z.strictObject({ ...unitFields, inputs: RigInputsSchema });
export type RigEntry = z.infer<typeof RigEntrySchema>;

export const AnimationEntrySchema = z.strictObject({
  ...unitFields,
  inputs: AnimationInputsSchema,
  /** The rig task this clip was made on: clips of one character must share it. */
  rig_task_id: z.string().min(1).optional(),
});
export type AnimationEntry = z.infer<typeof AnimationEntrySchema>;

export type UnitEntry = RigEntry | AnimationEntry;

export const CharacterLockSchema = z.strictObject({
  rig: RigEntrySchema.optional(),
  animations: z.record(z.string(), AnimationEntrySchema).default({}),
});
export type CharacterLock = z.infer<typeof CharacterLockSchema>;

/** The lockfile in memory. */
export const LockfileSchema = z.strictObject({
  lockfile_version: z.literal(LOCKFILE_VERSION),
  characters: z.record(z.string(), CharacterLockSchema),
});
export type Lockfile = z.infer<typeof LockfileSchema>;

export function emptyLockfile(): Lockfile {
  return { lockfile_version: LOCKFILE_VERSION, characters: {} };
}

/** The lines on disk: a version line, then one line per unit. */
export const LockHeaderLineSchema = z.strictObject({ lockfile_version: z.literal(LOCKFILE_VERSION) });
export const RigLineSchema = z.strictObject({
  character: SafeNameSchema,
  kind: z.literal("rig"),
  ...RigEntrySchema.shape,
});
export const AnimationLineSchema = z.strictObject({
  character: SafeNameSchema,
  kind: z.literal("animation"),
  name: SafeNameSchema,
  ...AnimationEntrySchema.shape,
});
export const LockLineSchema = z
  .union([LockHeaderLineSchema, RigLineSchema, AnimationLineSchema])
  .meta({
    title: "rigup lockfile line",
    description:
      "characters.lock is line-oriented: lines starting with '#' are comments; every other line is one JSON value of this schema (the version line first, then one line per rig and per animation).",
  });
export type LockLine = z.infer<typeof LockLineSchema>;
