/**
 * The emulator's own view of Meshy's wire: task kinds, statuses, routes, prices,
 * post-processing. Kept apart from src/meshy/ on purpose: the emulator stands for
 * the service, so it must not change when the client's parsing does.
 */
import { z } from "zod";

export type ApiVersion = 1 | 2;

export const TASK_KINDS = ["rig", "animation"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export type TaskStatus = "PENDING" | "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "CANCELED";
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(["SUCCEEDED", "FAILED", "CANCELED"]);

/** Path segment of each kind's create route, under /openapi/v1 and /openapi/v2 (plural for animations). */
export const KIND_PATH: Record<TaskKind, string> = { rig: "rigging", animation: "animations" };

/** v1 task `type` (docs/meshy-api.md §3.2); v2's are in inferred.ts. */
export const V1_TASK_TYPE: Record<TaskKind, string> = { rig: "rig", animation: "animate" };

/** Credits per rig task and per animation in an animation task (docs/meshy-api.md §6.1). */
export const CREDITS: Record<TaskKind, number> = { rig: 5, animation: 3 };

export const ALLOWED_FPS = [24, 25, 30, 60] as const;

/** `post_process` of an animation, as the API page takes it (same in v1 and v2). */
export const PostProcessSchema = z.discriminatedUnion("operation_type", [
  z.strictObject({ operation_type: z.literal("change_fps"), fps: z.literal(ALLOWED_FPS).optional() }),
  z.strictObject({ operation_type: z.literal("fbx2usdz") }),
  z.strictObject({ operation_type: z.literal("extract_armature") }),
]);
export type PostProcess = z.infer<typeof PostProcessSchema>;
