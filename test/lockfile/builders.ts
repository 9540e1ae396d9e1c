/** Lockfile builders with defaults, for lockfile/ and scan/ tests. */
import { digestOf } from "../../src/text/canonical-json.js";
import type { AnimationEntry, Lockfile, RigEntry } from "../../src/lockfile/schema.js";

/** A valid sha256 hex digest derived from a seed. */
export const sha = (seed: string | number): string =>
  String(seed)
    .padStart(64, "0")
    .replace(/[^0-9a-f]/g, "a")
    .slice(-64);

/** The entry's `digest` is that of its inputs unless the caller sets one: the reader checks it. */
export function rigEntry(over: Partial<RigEntry> = {}): RigEntry {
  const inputs = over.inputs ?? { source: { file_sha256: sha("m1") }, height_meters: 1.7, texture: null };
  return {
    digest: digestOf(inputs),
    state: "succeeded",
    intent_at: 1_000,
    task_id: "rig-1",
    status: "SUCCEEDED",
    created_at: 1_100,
    files: {},
    inputs,
    ...over,
  };
}

export function animEntry(over: Partial<AnimationEntry> = {}): AnimationEntry {
  const inputs = over.inputs ?? { action_id: 4, post_process: null };
  return {
    digest: digestOf(inputs),
    state: "succeeded",
    intent_at: 2_000,
    task_id: "anim-1",
    status: "SUCCEEDED",
    created_at: 2_100,
    files: {},
    inputs,
    rig_task_id: "rig-1",
    ...over,
  };
}

/** `{ hero: { rig, animations: { attack } } }`-style trees with sensible defaults. */
export function lockOf(characters: Record<string, { rig?: RigEntry; animations?: Record<string, AnimationEntry> }>): Lockfile {
  return {
    lockfile_version: 3,
    characters: Object.fromEntries(Object.entries(characters).map(([k, v]) => [k, { animations: {}, ...v }])),
  };
}
