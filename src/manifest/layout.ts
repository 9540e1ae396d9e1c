/**
 * The output tree. Paths derive only from the manifest and config, never from
 * task ids, timestamps or anything fetched at run time: same manifest, same tree.
 *
 *   <out>/<character>/rig/<character>.glb|.fbx           the rigged character
 *   <out>/<character>/rig/walking.glb|.fbx|.armature.glb  free clips bundled with the rig
 *   <out>/<character>/rig/running.glb|.fbx|.armature.glb
 *   <out>/<character>/animations/<name>.glb|.fbx         one per action
 *   <out>/<character>/animations/<name>.usdz             post_process fbx2usdz
 *   <out>/<character>/animations/<name>.armature.fbx     post_process extract_armature
 *   <out>/<character>/animations/<name>.<fps>fps.fbx     post_process change_fps
 *
 * Pure: paths are posix, relative to the output directory.
 */
import type { OutputFormat } from "./schema.js";
import type { ResolvedAction } from "./resolve.js";

/**
 * One output file a unit should produce. `role` keys it in the lockfile and in a
 * task's outputs (src/meshy/outputs.ts maps each role to the API's result fields).
 */
export interface OutputFile {
  role: string;
  /** Relative to the output directory, '/'-separated. */
  path: string;
  /** What the bytes must look like. */
  format: "glb" | "fbx" | "usdz";
}

/** Bumped when the layout or file naming changes (part of `rigup cache-key`). */
export const OUTPUT_LAYOUT_VERSION = 1;

export function rigDir(character: string): string {
  return `${character}/rig`;
}
export function animationsDir(character: string): string {
  return `${character}/animations`;
}

export function rigOutputs(character: string, formats: readonly OutputFormat[]): OutputFile[] {
  const dir = rigDir(character);
  const all: OutputFile[] = [
    { role: "glb", path: `${dir}/${character}.glb`, format: "glb" },
    { role: "fbx", path: `${dir}/${character}.fbx`, format: "fbx" },
  ];
  // The walking/running clips come free with every rig (docs/meshy-api.md §3.4): keep them.
  for (const clip of ["walking", "running"] as const) {
    all.push(
      { role: `${clip}.glb`, path: `${dir}/${clip}.glb`, format: "glb" },
      { role: `${clip}.fbx`, path: `${dir}/${clip}.fbx`, format: "fbx" },
      { role: `${clip}.armature.glb`, path: `${dir}/${clip}.armature.glb`, format: "glb" },
    );
  }
  return all.filter((f) => formats.includes(f.format as OutputFormat));
}

export function animationOutputs(character: string, action: ResolvedAction, formats: readonly OutputFormat[]): OutputFile[] {
  const base = `${animationsDir(character)}/${action.name}`;
  const files: OutputFile[] = [
    { role: "glb", path: `${base}.glb`, format: "glb" as const },
    { role: "fbx", path: `${base}.fbx`, format: "fbx" as const },
  ].filter((f) => formats.includes(f.format));
  // A post-process output is what the user asked for, whatever `formats` says.
  const pp = action.postProcess;
  if (pp?.operation_type === "fbx2usdz") {
    files.push({ role: "usdz", path: `${base}.usdz`, format: "usdz" });
  } else if (pp?.operation_type === "extract_armature") {
    files.push({ role: "armature.fbx", path: `${base}.armature.fbx`, format: "fbx" });
  } else if (pp?.operation_type === "change_fps") {
    files.push({ role: "fps.fbx", path: `${base}.${pp.fps}fps.fbx`, format: "fbx" });
  }
  return files;
}

/** The character merged into one game-ready GLB: the rigged mesh once, every clip as a named animation (src/merge/). */
export function mergedOutput(character: string): string {
  return `${character}/${character}.glb`;
}

/** One file that goes into the merged GLB, and which unit's lock entry records it under which role. */
export interface MergeSource {
  /** The animation's name in the merged file. */
  name: string;
  path: string;
  /** The rig's free clips are its files; each action's clip is its own unit's. */
  unit: { kind: "rig" } | { kind: "animation"; name: string };
  role: string;
}

/**
 * What `mergedOutput(character)` is made of: the rigged GLB, then the free clips (walking,
 * running; their armature-only variants hold the same motion without the mesh), then one clip
 * per action in manifest order, each named as the manifest names it.
 */
export function mergeSources(character: string, actions: readonly ResolvedAction[]): { rig: MergeSource; clips: MergeSource[] } {
  const [rig, ...bundled] = rigOutputs(character, ["glb"]);
  const clips: MergeSource[] = bundled
    .filter((f) => !f.role.includes(".armature."))
    .map((f) => ({ name: f.role.replace(/\.glb$/, ""), path: f.path, unit: { kind: "rig" }, role: f.role }));
  for (const action of actions) {
    clips.push({
      name: action.name,
      path: animationOutputs(character, action, ["glb"])[0]!.path,
      unit: { kind: "animation", name: action.name },
      role: "glb",
    });
  }
  return { rig: { name: character, path: rig!.path, unit: { kind: "rig" }, role: rig!.role }, clips };
}
