/**
 * The v2 choices the docs leave open (docs/meshy-api.md: INFERRED) that the
 * emulator's code reads, in one place: each is a one-line change when the truth is
 * known. The invented error codes are tagged in errors.ts; README.md lists every
 * INFERRED behaviour with the section of docs/meshy-api.md it comes from.
 */
import type { TaskKind } from "./wire.js";

export const V2_INFERRED = {
  /** §3.2: `type` of rigging and animation tasks (v1's strings); also the `type` filter of GET /openapi/v2/tasks. */
  taskType: { rig: "rig", animation: "animate" } as const satisfies Record<TaskKind, string>,
  /**
   * §3.4: `output` keeps v1's `result` names; every field is present, `null`
   * when not produced (CONFIRMED: null, not ""). Values here are the template.
   */
  outputTemplate: {
    rig: {
      rigged_character_glb_url: null,
      rigged_character_fbx_url: null,
      basic_animations: {
        walking_glb_url: null,
        walking_fbx_url: null,
        walking_armature_glb_url: null,
        running_glb_url: null,
        running_fbx_url: null,
        running_armature_glb_url: null,
      },
    },
    animation: {
      animation_glb_url: null,
      animation_fbx_url: null,
      processed_usdz_url: null,
      processed_armature_fbx_url: null,
      processed_animation_fps_fbx_url: null,
    },
  } as const satisfies Record<TaskKind, Record<string, unknown>>,
  /** §4.3: list query parameters (v1's paging plus `type`); any other parameter is a 400, as for bodies. */
  listParams: ["type", "page_num", "page_size", "sort_by"],
  /** §2.3: the library takes v1's filters. */
  libraryParams: ["search", "category", "sub_category", "action_ids"],
  /** §4.3: `{"data": [...], "has_more": bool}` as the Usage route answers; option v2ListShape "array" gives v1's bare array. */
  listShape: "envelope" as "envelope" | "array",
  /** §2.2: action_ids takes 1 to 10 unique ids (Meshy's own tooling). */
  actionIds: { min: 1, max: 10 },
  /** §2.1: only the default skeleton_template is known; other values are refused. */
  skeletonTemplates: ["mixamo"] as const,
  /** §2.1: animation_type (field name and values from third-party docs). */
  animationTypes: ["biped", "quadruped"] as const,
  /** §2.3: rig_type of library actions: the catalogue snapshot has only biped ones, so quadruped rigs take none. */
  libraryRigType: "biped",
  /** §3.3: a data URI is echoed in `input` as this digest stand-in (echo form UNKNOWN; a model can be 150 MB). */
  dataUriEcho: (mime: string, sha256: string) => `data:${mime};sha256,${sha256}`,
  /** §2.2, §6.1: a motion_task_id animation is one animation (3 credits); its clip is a stand-in of this length. */
  motionClip: { name: "Text_To_Motion", durationSec: 4, motion: "walk" } as const,
} as const;
