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
import { TaskStatusSchema } from "../meshy/schemas.js";
import { BodySchema, SafeNameSchema } from "../manifest/schema.js";

/**
 * 2 added the end line (a file cut short at a line boundary is refused, not read as
 * "fewer units built"); version 1 files, which have none, are still read. 3 added the
 * merged-character lines (an older rigup says it is too old instead of "damaged").
 */
export const LOCKFILE_VERSION = 3;
export const LEGACY_LOCKFILE_VERSIONS: readonly number[] = [1, 2];

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, { message: "must be a lowercase sha256 hex digest" });
const MsSchema = z.number().int().nonnegative().meta({ description: "Unix time in milliseconds." });

/** A downloaded output file. `path` is relative to the output directory, with "/" separators (plan/layout.ts). */
export const FileRecordSchema = z.strictObject({
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: Sha256Schema,
  /** In the team store (store/content.ts): set once the upload is confirmed; absent: not stored (yet). */
  stored: z.literal(true).optional(),
});
export type FileRecord = z.infer<typeof FileRecordSchema>;

/**
 * Where a unit stands:
 * - intent: about to POST (written before sending); found on start, the POST may have happened
 * - unknown: the POST's answer was lost; it may have created (and billed) a task
 * - pending: the task exists and has not finished
 * - succeeded / failed: terminal (failed also covers a 400/422 refusal, which has no task id)
 * - retired: pruned (no longer in the manifest, files deleted); its tasks stay in `history`,
 *   so adding it back while they live is a free re-download, never a second payment
 */
export const UnitStateSchema = z.enum(["intent", "unknown", "pending", "succeeded", "failed", "retired"]);
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
  // Present only when the manifest sets them: entries written before they existed keep their digest.
  skeleton: z.string().optional(),
  body: BodySchema.optional(),
});
export type RigInputs = z.infer<typeof RigInputsSchema>;

/**
 * The post-processing a clip was asked for, as recorded. The lockfile's own shape, looser than the
 * request's (meshy/schemas.ts checks what is sent): an entry stays readable whatever the API
 * accepts later, and its digest covers every recorded field.
 */
const RecordedPostProcessSchema = z.looseObject({ operation_type: z.string().min(1), fps: z.number().int().positive().optional() });

/** Everything that determines an animation's result, besides the rig it is made on. */
export const AnimationInputsSchema = z.strictObject({
  action_id: z.number().int().nonnegative(),
  post_process: RecordedPostProcessSchema.nullable(),
});
export type AnimationInputs = z.infer<typeof AnimationInputsSchema>;

/**
 * Where a task was made: absent is Meshy; "emulator" is rigup's built-in emulator
 * (`build --emulator`), whose ids mean nothing to Meshy and whose outputs are placeholders.
 */
const MadeBySchema = z.literal("emulator").optional();
/** The Meshy API version the task was created through; absent: 1 (entries from before v2). v2 reads v1's tasks. */
const ApiVersionSchema = z.union([z.literal(1), z.literal(2)]).optional();
export type Target = "meshy" | "emulator";

/** A task this unit had before it was replaced: kept (all of them) so a paid task id is never lost. */
export const PastTaskSchema = z.strictObject({
  task_id: z.string(),
  made_by: MadeBySchema,
  api_version: ApiVersionSchema,
  digest: Sha256Schema,
  rig_task_id: z.string().optional(),
  created_at: MsSchema.optional(),
  expires_at: MsSchema.optional(),
  /** When Meshy answered 404 for it before `expires_at`. */
  gone_at: MsSchema.optional(),
  credits: z.number().nonnegative().optional(),
});
export type PastTask = z.infer<typeof PastTaskSchema>;

const entryFields = {
  /** sha256 of the canonical JSON of `inputs`. */
  digest: Sha256Schema,
  state: UnitStateSchema,
  /** When the write-ahead intent was recorded: Meshy's clock when rigup knew it (reconcile compares it with `created_at`), else the local one. */
  intent_at: MsSchema,
  /** "meshy": `intent_at` is on Meshy's clock, so it bounds where a lost create's task can be. Absent: the local clock, which bounds nothing. */
  intent_clock: z.literal("meshy").optional(),
  task_id: z.string().min(1).optional(),
  made_by: MadeBySchema,
  api_version: ApiVersionSchema,
  /** Meshy's status as last seen. */
  status: TaskStatusSchema.optional(),
  created_at: MsSchema.optional(),
  finished_at: MsSchema.optional(),
  expires_at: MsSchema.optional(),
  /** When Meshy answered 404 for this task before `expires_at` (deleted, or expired early): its files can no longer be fetched. */
  gone_at: MsSchema.optional(),
  credits: z.number().nonnegative().optional(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  /** Downloaded files by role (see plan/layout.ts). */
  files: z.record(z.string(), FileRecordSchema).default({}),
  /** Roles the service's result did not offer (so they are not "missing"). */
  unavailable: z.array(z.string()).optional(),
};

const RigFields = { ...entryFields, inputs: RigInputsSchema };
const AnimationFields = {
  ...entryFields,
  inputs: AnimationInputsSchema,
  /** The rig task this clip was made on: clips of one character must share it. */
  rig_task_id: z.string().min(1).optional(),
};
/** Every task this unit had before its current one, most recent first. */
const HistorySchema = z.array(PastTaskSchema).optional();

/**
 * `prior`, on an intent: the entry as it was before it (its history is the intent's),
 * so a create that provably made nothing puts it back, in this run or a later one.
 */
export const RigEntrySchema = z.strictObject({ ...RigFields, history: HistorySchema, prior: z.strictObject(RigFields).optional() });
export type RigEntry = z.infer<typeof RigEntrySchema>;

export const AnimationEntrySchema = z.strictObject({
  ...AnimationFields,
  history: HistorySchema,
  prior: z.strictObject(AnimationFields).optional(),
});
export type AnimationEntry = z.infer<typeof AnimationEntrySchema>;

export type UnitEntry = RigEntry | AnimationEntry;

/** What a merged character file is made from: its inputs' bytes by hash, the options, the merger's version. */
export const MergedInputsSchema = z.strictObject({
  rig: Sha256Schema,
  /** In the file's animation order: walking, running, then the actions in manifest order. */
  clips: z.array(z.strictObject({ name: z.string().min(1), sha256: Sha256Schema })),
  root_motion: z.enum(["keep", "in_place"]),
  resample: z.boolean(),
  meshopt: z.boolean(),
  /** Bumped when the merge writes different bytes from the same inputs (src/merge/). */
  merger: z.number().int().positive(),
});
export type MergedInputs = z.infer<typeof MergedInputsSchema>;

/** The character merged into one GLB (plan/layout.ts mergedOutput): made locally, free, from recorded outputs. */
export const MergedEntrySchema = z.strictObject({
  /** sha256 of the canonical JSON of `inputs`. */
  digest: Sha256Schema,
  inputs: MergedInputsSchema,
  file: FileRecordSchema,
});
export type MergedEntry = z.infer<typeof MergedEntrySchema>;

export const CharacterLockSchema = z.strictObject({
  rig: RigEntrySchema.optional(),
  animations: z.record(z.string(), AnimationEntrySchema).default({}),
  merged: MergedEntrySchema.optional(),
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

/** The lines on disk: a version line, one line per unit, then the end line. */
export const LockHeaderLineSchema = z.strictObject({ lockfile_version: z.literal(LOCKFILE_VERSION) });
export const LockEndLineSchema = z.strictObject({ lockfile_end: z.literal(true) });
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
export const MergedLineSchema = z.strictObject({
  character: SafeNameSchema,
  kind: z.literal("merged"),
  ...MergedEntrySchema.shape,
});
export const LockLineSchema = z
  .union([LockHeaderLineSchema, RigLineSchema, AnimationLineSchema, MergedLineSchema, LockEndLineSchema])
  .meta({
    title: "rigup lockfile line",
    description:
      "characters.lock is line-oriented: lines starting with '#' are comments; every other line is one JSON value of this schema (the version line first, then one line per rig, per animation and per merged character, then the end line).",
  });
export type LockLine = z.infer<typeof LockLineSchema>;
