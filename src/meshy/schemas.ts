/**
 * Meshy Auto-Rigging & Animation API shapes (../shared/seeds, API-NOTES.md).
 * One source of truth: the client parses responses with these, the emulator
 * builds its answers from the same types. Objects are loose (`z.looseObject`)
 * because the service adds fields over time; requests are strict.
 */
import { z } from "zod";

export const TASK_KINDS = ["rig", "animation"] as const;
/** Which endpoint family a task belongs to. */
export type TaskKind = (typeof TASK_KINDS)[number];

/** Path segment under /openapi/v1 for each kind (note the plural for animations). */
export const KIND_PATH: Record<TaskKind, string> = {
  rig: "rigging",
  animation: "animations",
};

export const TaskStatusSchema = z.enum(["PENDING", "IN_PROGRESS", "SUCCEEDED", "FAILED", "CANCELED"]);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(["SUCCEEDED", "FAILED", "CANCELED"]);

export const TaskErrorSchema = z.looseObject({
  message: z.string().default(""),
  type: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
});

export const BasicAnimationsSchema = z.looseObject({
  walking_glb_url: z.string().optional(),
  walking_fbx_url: z.string().optional(),
  walking_armature_glb_url: z.string().optional(),
  running_glb_url: z.string().optional(),
  running_fbx_url: z.string().optional(),
  running_armature_glb_url: z.string().optional(),
});

export const RigResultSchema = z.looseObject({
  rigged_character_fbx_url: z.string().optional(),
  rigged_character_glb_url: z.string().optional(),
  basic_animations: BasicAnimationsSchema.optional(),
});
export type RigResult = z.infer<typeof RigResultSchema>;

export const AnimationResultSchema = z.looseObject({
  animation_glb_url: z.string().optional(),
  animation_fbx_url: z.string().optional(),
  processed_usdz_url: z.string().optional(),
  processed_armature_fbx_url: z.string().optional(),
  processed_animation_fps_fbx_url: z.string().optional(),
});
export type AnimationResult = z.infer<typeof AnimationResultSchema>;

/**
 * A task object as GET returns it. Stream events while PENDING/IN_PROGRESS carry
 * only id/status/progress, so everything else is optional here.
 */
export const TaskSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().optional(),
  status: TaskStatusSchema,
  progress: z.number().default(0),
  created_at: z.number().optional(),
  started_at: z.number().optional(),
  finished_at: z.number().optional(),
  expires_at: z.number().optional(),
  preceding_tasks: z.number().optional(),
  task_error: TaskErrorSchema.nullish(),
  // Rig and animation results share one loose object: the kind is known by the caller.
  result: z.looseObject({ ...RigResultSchema.shape, ...AnimationResultSchema.shape }).nullish(),
  consumed_credits: z.number().optional(),
});
export type Task = z.infer<typeof TaskSchema>;

/** `{"result": "<task id>"}`, the answer to a create (202, 200 also seen). */
export const CreateResponseSchema = z.looseObject({ result: z.string().min(1) });

/** Error bodies are `{"message": "..."}`; SSE `event: error` adds `status_code`. */
export const ErrorBodySchema = z.looseObject({
  message: z.string().default(""),
  status_code: z.number().optional(),
});

/** List endpoints answer a bare array of task objects (page_num/page_size/sort_by). */
export const TaskListSchema = z.array(TaskSchema);

export const LibraryActionSchema = z.looseObject({
  action_id: z.number().int(),
  name: z.string(),
  key: z.string().optional(),
  category: z.string().optional(),
  sub_category: z.string().optional(),
  preview_url: z.string().optional(),
});
export type LibraryAction = z.infer<typeof LibraryActionSchema>;
export const LibraryListSchema = z.array(LibraryActionSchema);

export const ALLOWED_FPS = [24, 25, 30, 60] as const;

/** Post-processing of an animation, as the API takes it. */
export const PostProcessSchema = z.discriminatedUnion("operation_type", [
  z.strictObject({
    operation_type: z.literal("change_fps"),
    fps: z.literal(ALLOWED_FPS).optional(),
  }),
  z.strictObject({ operation_type: z.literal("fbx2usdz") }),
  z.strictObject({ operation_type: z.literal("extract_armature") }),
]);
export type PostProcess = z.infer<typeof PostProcessSchema>;

/** POST /openapi/v1/rigging body. Exactly one of input_task_id / model_url. */
export const RigRequestBodySchema = z.strictObject({
  input_task_id: z.string().min(1).optional(),
  model_url: z.string().min(1).optional(),
  height_meters: z.number().positive().optional(),
  texture_image_url: z.string().min(1).optional(),
});
export type RigRequestBody = z.infer<typeof RigRequestBodySchema>;

/** POST /openapi/v1/animations body. */
export const AnimationRequestBodySchema = z.strictObject({
  rig_task_id: z.string().min(1),
  action_id: z.number().int().nonnegative(),
  post_process: PostProcessSchema.optional(),
});
export type AnimationRequestBody = z.infer<typeof AnimationRequestBodySchema>;

/** Credits the service charges (API-NOTES "Money and time"). */
export const CREDITS: Record<TaskKind, number> = { rig: 5, animation: 3 };
