/**
 * Rule 13: each character merged into one game-ready GLB (manifest/layout.ts mergedOutput),
 * made locally, for free, from recorded outputs. Pure: its inputs are the hashes the
 * lockfile records, so a file is made again only when one of them, or an option, changes.
 */
import { digestOf } from "../text/canonical-json.js";
import type { CharacterLock, Lockfile, MergedInputs } from "../lockfile/schema.js";
import type { ResolvedCharacter, ResolvedManifest } from "../manifest/resolve.js";
import { MERGER_VERSION } from "../merge/version.js";
import { mergedOutput, mergeSources } from "../manifest/layout.js";
import type { Facts, MergeStep } from "./types.js";

/**
 * What the merged file would be made of now, or undefined when it cannot be made: a
 * unit not succeeded, a file not recorded, or a clip made on another rig task (clips
 * merge onto one skeleton only when they share the rig they were made on).
 */
export function mergedInputs(character: ResolvedCharacter, lock: CharacterLock | undefined): MergedInputs | undefined {
  const rigEntry = lock?.rig;
  if (!character.merge || !rigEntry || rigEntry.state !== "succeeded") return undefined;
  const { rig, clips } = mergeSources(character.name, character.actions);
  const rigSha = rigEntry.files[rig.role]?.sha256;
  if (rigSha === undefined) return undefined;
  const out: MergedInputs["clips"] = [];
  for (const clip of clips) {
    const entry = clip.unit.kind === "rig" ? rigEntry : lock.animations[clip.unit.name];
    if (!entry || entry.state !== "succeeded") return undefined;
    if ("rig_task_id" in entry && entry.rig_task_id !== rigEntry.task_id) return undefined;
    const file = entry.files[clip.role];
    if (file === undefined) {
      // A free clip the service did not offer is simply not in the file.
      if (entry.unavailable?.includes(clip.role)) continue;
      return undefined;
    }
    out.push({ name: clip.name, sha256: file.sha256 });
  }
  return { rig: rigSha, clips: out, ...character.merge, merger: MERGER_VERSION };
}

/**
 * The character's merge step, or undefined when its merged file is up to date (or
 * cannot be made). `settled`: none of its units changes in this plan.
 */
export function planMerge(
  character: ResolvedCharacter,
  lock: CharacterLock | undefined,
  facts: Facts,
  settled: boolean,
): MergeStep | undefined {
  if (!character.merge) return undefined;
  const path = mergedOutput(character.name);
  const step = (reasons: string[]): MergeStep => ({
    key: `${character.name}/merged`,
    character: character.name,
    action: "merge",
    reasons,
    path,
  });
  if (!settled) return step(["made again after the build, from its rig and clips as they will be"]);
  const inputs = mergedInputs(character, lock);
  if (inputs === undefined) return undefined;
  const entry = lock?.merged;
  if (entry === undefined) return step([`the rig and ${inputs.clips.length} clips in one GLB (local, free)`]);
  if (entry.digest !== digestOf(inputs)) return step(changes(entry.inputs, inputs));
  const found = facts.outputs[entry.file.path === path ? path : ""];
  if (found === undefined) return step([`${path} missing`]);
  if (found.size !== entry.file.size || found.sha256 !== entry.file.sha256) return step([`${path} hash mismatch`]);
  return undefined;
}

function changes(before: MergedInputs, after: MergedInputs): string[] {
  const out: string[] = [];
  if (before.rig !== after.rig) out.push("its rig file changed");
  const was = new Map(before.clips.map((c) => [c.name, c.sha256]));
  const added = after.clips.filter((c) => !was.has(c.name)).map((c) => c.name);
  const changed = after.clips.filter((c) => was.has(c.name) && was.get(c.name) !== c.sha256).map((c) => c.name);
  const removed = before.clips.filter((c) => !after.clips.some((a) => a.name === c.name)).map((c) => c.name);
  if (added.length) out.push(`clips added: ${added.join(", ")}`);
  if (changed.length) out.push(`clips changed: ${changed.join(", ")}`);
  if (removed.length) out.push(`clips removed: ${removed.join(", ")}`);
  for (const k of ["root_motion", "resample", "meshopt"] as const)
    if (before[k] !== after[k]) out.push(`${k} ${String(before[k])} → ${String(after[k])}`);
  if (before.merger !== after.merger) out.push("made by an older rigup's merge");
  return out.length > 0 ? out : ["clip order changed"];
}

/** Merged files of characters gone from the manifest, or no longer merged: deleted, with their lines. */
export function pruneMerged(manifest: ResolvedManifest, lock: Lockfile): MergeStep[] {
  const merging = new Set(manifest.characters.filter((c) => c.merge).map((c) => c.name));
  const steps: MergeStep[] = [];
  for (const [name, c] of Object.entries(lock.characters)) {
    if (!c.merged || merging.has(name)) continue;
    const why = manifest.characters.some((x) => x.name === name) ? "merge: false in characters.yaml" : "no longer in characters.yaml";
    steps.push({ key: `${name}/merged`, character: name, action: "prune", reasons: [why], path: c.merged.file.path });
  }
  return steps.sort((a, b) => (a.key < b.key ? -1 : 1));
}
