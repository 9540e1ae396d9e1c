/**
 * Where each output file's URL sits in a task's results, by output role (the
 * names manifest/layout.ts gives files). v1 puts results in `result`, v2 in `output`;
 * the field names inside are v1's, and v2 keeps them (docs/meshy-api.md §3.4,
 * INFERRED: the v2 field tables were not readable). This is the one place to
 * change if v2 names them otherwise.
 */
import type { TaskKind } from "./schemas.js";

type Results = Record<string, unknown> & { basic_animations?: Record<string, unknown> | null };

const clip = (name: "walking" | "running", suffix: string) => (r: Results) => r.basic_animations?.[`${name}_${suffix}_url`];

const FIELDS: Record<TaskKind, Record<string, (r: Results) => unknown>> = {
  rig: {
    glb: (r) => r.rigged_character_glb_url,
    fbx: (r) => r.rigged_character_fbx_url,
    "walking.glb": clip("walking", "glb"),
    "walking.fbx": clip("walking", "fbx"),
    "walking.armature.glb": clip("walking", "armature_glb"),
    "running.glb": clip("running", "glb"),
    "running.fbx": clip("running", "fbx"),
    "running.armature.glb": clip("running", "armature_glb"),
  },
  animation: {
    glb: (r) => r.animation_glb_url,
    fbx: (r) => r.animation_fbx_url,
    usdz: (r) => r.processed_usdz_url,
    "armature.fbx": (r) => r.processed_armature_fbx_url,
    "fps.fbx": (r) => r.processed_animation_fps_fbx_url,
  },
};

/** Output role → signed URL, for every file the results offer (v1's "" and v2's null mean "not produced"). */
export function outputsByRole(kind: TaskKind, results: Results): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [role, read] of Object.entries(FIELDS[kind])) {
    const url = read(results);
    if (typeof url === "string" && url !== "") out[role] = url;
  }
  return out;
}
