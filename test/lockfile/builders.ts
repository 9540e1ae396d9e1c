/** Lockfile builders with defaults, for lockfile/ and scan/ tests. */
import type { AnimationEntry, Lockfile, RigEntry } from "../../src/lockfile/schema.js";

/** A valid sha256 hex digest derived from a seed. */
export const sha = (seed: string | number): string => String(seed).padStart(64, "0").replace(/[^0-9a-f]/g, "a").slice(-64);

export function rigEntry(over: Partial<RigEntry> = {}): RigEntry {
  return {
    digest: sha("d1"),
    state: "succeeded",
    intent_at: 1_000,
    task_id: "rig-1",
    status: "SUCCEEDED",
    created_at: 1_100,
    files: {},
    inputs: { source: { file_sha256: sha("m1") }, height_meters: 1.7, texture: null },
    ...over,
  };
}

export function animEntry(over: Partial<AnimationEntry> = {}): AnimationEntry {
  return {
    digest: sha("d2"),
    state: "succeeded",
    intent_at: 2_000,
    task_id: "anim-1",
    status: "SUCCEEDED",
    created_at: 2_100,
    files: {},
    inputs: { action_id: 4, post_process: null },
    rig_task_id: "rig-1",
    ...over,
  };
}

/** `{ hero: { rig, animations: { attack } } }`-style trees with sensible defaults. */
export function lockOf(characters: Record<string, { rig?: RigEntry; animations?: Record<string, AnimationEntry> }>): Lockfile {
  return {
    lockfile_version: 1,
    characters: Object.fromEntries(Object.entries(characters).map(([k, v]) => [k, { animations: {}, ...v }])),
  };
}
