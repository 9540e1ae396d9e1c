/**
 * Meshy Auto-Rigging & Animation API shapes shared by both API versions, the v1
 * wire shapes (docs/meshy-api.md §3), and `Task`, the version-neutral task the client
 * hands out (wire.ts turns each version's objects into it). Objects
 * read are loose (`z.looseObject`) because the service adds fields over time;
 * requests are strict.
 */
import { z } from "zod";

export const TASK_KINDS = ["rig", "animation"] as const;
/** Which endpoint family a task belongs to. */
export type TaskKind = (typeof TASK_KINDS)[number];

/** Path segment of each kind's create route, the same under /openapi/v1 and /openapi/v2 (note the plural for animations). */
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

export const AnimationResultSchema = z.looseObject({
  animation_glb_url: z.string().optional(),
  animation_fbx_url: z.string().optional(),
  processed_usdz_url: z.string().optional(),
  processed_armature_fbx_url: z.string().optional(),
  processed_animation_fps_fbx_url: z.string().optional(),
});

/**
 * A v1 task object as GET returns it. Stream events while PENDING/IN_PROGRESS carry
 * only id/status/progress, so everything else is optional here.
 */
export const V1TaskSchema = z.looseObject({
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
export type V1Task = z.infer<typeof V1TaskSchema>;

/** v1: `{"result": "<task id>"}`, the answer to a create (202, 200 also seen). */
export const V1CreateResponseSchema = z.looseObject({ result: z.string().min(1) });

/**
 * Error bodies: v1 `{"message"}` (SSE `event: error` adds `status_code`); v2
 * `{type, code, message, doc_url}`. One loose schema reads both.
 */
export const ErrorBodySchema = z.looseObject({
  message: z.string().default(""),
  status_code: z.number().optional(),
  type: z.string().optional(),
  code: z.string().optional(),
});

/** v1 list endpoints answer a bare array of task objects (page_num/page_size/sort_by). */
export const V1TaskListSchema = z.array(V1TaskSchema);

/**
 * A task as the client hands it out, whichever API version it was read through.
 * Times are Unix ms, absent while unknown (v1 sends 0, v2 null). `outputs` holds
 * the signed URL of each file the task produced, keyed by output role
 * (plan/layout.ts); absent until the task succeeded or when a stream event left it
 * out. `input` is v2's echo of the create request (absent under v1).
 */
export interface Task {
  id: string;
  status: TaskStatus;
  progress: number;
  created_at?: number;
  started_at?: number;
  finished_at?: number;
  expires_at?: number;
  preceding_tasks?: number;
  task_error?: { message: string; code?: string; type?: string };
  consumed_credits?: number;
  outputs?: Record<string, string>;
  input?: Record<string, unknown>;
}

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

/** POST /openapi/v1/animations body. */
export const AnimationRequestBodySchema = z.strictObject({
  rig_task_id: z.string().min(1),
  action_id: z.number().int().nonnegative(),
  post_process: PostProcessSchema.optional(),
});

/** Credits the service charges (docs/meshy-api.md §6.1). */
export const CREDITS: Record<TaskKind, number> = { rig: 5, animation: 3 };
