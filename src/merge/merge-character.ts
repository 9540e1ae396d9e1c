/**
 * One game-ready GLB per character: the rigged mesh once and one named
 * animation per clip, which three.js, Godot and Unity load as one asset with an
 * animation list. Bytes in, bytes out: reading and writing files is the caller's.
 *
 * Each clip file repeats the whole skinned mesh; only its animations are kept,
 * retargeted by joint name onto the rig's nodes, after checking the clip's
 * skeleton is the rig's (same joint names, same parent joint for each).
 */
import type { Document, Node } from "@gltf-transform/core";
import { dedup, meshopt, prune, resample } from "@gltf-transform/functions";
import { MeshoptEncoder } from "meshoptimizer";
import { copyAnimation } from "../gltf/copy-animation.js";
import { mergeIO } from "./io.js";
import { pinHorizontal } from "./root-motion.js";
import { MergeInputError, SkeletonMismatchError } from "./errors.js";
import { compareSkeletons, describeSkeleton, mainSkin, matches, scaleDifferences, type Skeleton } from "./skeleton.js";

export { MergeInputError, SkeletonMismatchError, type SkeletonDifference } from "./errors.js";

export interface MergeOptions {
  /** "in_place": the root joint (the first joint without a parent joint: the hips) keeps its first keyframe's X and Z; Y (up) is kept. */
  rootMotion: "keep" | "in_place";
  /** Lossless keyframe resampling: drops keyframes that interpolation reproduces. */
  resample: boolean;
  /** EXT_meshopt_compression with quantization; readers need a meshopt decoder (three.js: GLTFLoader.setMeshoptDecoder). */
  meshopt: boolean;
}

export interface ClipSource {
  /** The animation's name in the merged file. Unique among the clips. */
  name: string;
  bytes: Uint8Array;
  /** Out-relative path, for messages. */
  source: string;
}

export interface MergeReport {
  /** One per clip given, in order. */
  clips: {
    name: string;
    /** Names of the animations written for it: `name`, then `name.<animation>` when the file holds several. */
    animations: string[];
    /** Channels copied. */
    channels: number;
    /** Channel targets it could not map, by node name: the rig has no node of that name. Those channels are left out. */
    unmapped: string[];
  }[];
  /**
   * Joints whose rest scale differs between the rig and a clip (library clips bake a scale into the hips),
   * factor = clip / rig on the axis differing most. Reported only: the merged file keeps the rig's rest pose.
   */
  scaleQuirks: { clip: string; joint: string; factor: number }[];
}

/**
 * Merges `clips` (in the order given: the caller passes walking, running, then
 * the actions in manifest order) onto `rig`. A clip file holding several
 * animations gives `<name>` for the first and `<name>.<animation name>` for
 * the others (`<name>.2`, `<name>.3`... when unnamed). Animations of the
 * rig file itself are dropped: the result holds exactly the clips'.
 * Deterministic: the same bytes and options give the same bytes.
 * @throws SkeletonMismatchError when a clip's skeleton is not the rig's
 * @throws MergeInputError when a file cannot be read, the rig has no skin or a clip no animation
 * @example const { glb, report } = await mergeCharacter({ bytes, source: "knight/rig/knight.glb" }, clips, { rootMotion: "keep", resample: true, meshopt: false });
 */
export async function mergeCharacter(
  rig: { bytes: Uint8Array; source: string },
  clips: readonly ClipSource[],
  options: MergeOptions,
): Promise<{ glb: Uint8Array; report: MergeReport }> {
  const names = clips.map((c) => c.name);
  const repeated = names.find((n, i) => n === "" || names.indexOf(n) !== i);
  if (repeated !== undefined)
    throw new Error(`clip names must be unique and not empty; got ${JSON.stringify(repeated)} in ${JSON.stringify(names)}`);

  const doc = await read(rig.bytes, rig.source);
  const skin = mainSkin(doc);
  if (!skin) throw new MergeInputError(rig.source, `${rig.source} has no skin: not a rigged character`);
  const skeleton = describeSkeleton(skin);
  if (skeleton.duplicates.length > 0)
    throw new MergeInputError(rig.source, `${rig.source} uses joint names twice: ${skeleton.duplicates.join(", ")}`);
  for (const animation of doc.getRoot().listAnimations()) animation.dispose();
  const nodes = targetNodes(doc, skeleton);
  const root = skeleton.joints.get(skeleton.root)!;

  const report: MergeReport = { clips: [], scaleQuirks: [] };
  const written = new Set<string>();
  for (const clip of clips) {
    const source = await read(clip.bytes, clip.source);
    const clipSkin = mainSkin(source);
    if (!clipSkin)
      throw new SkeletonMismatchError(clip.name, clip.source, {
        missing: [...skeleton.joints.keys()],
        extra: [],
        reparented: [],
        duplicates: [],
      });
    const clipSkeleton = describeSkeleton(clipSkin);
    const difference = compareSkeletons(skeleton, clipSkeleton);
    if (!matches(difference)) throw new SkeletonMismatchError(clip.name, clip.source, difference);
    for (const quirk of scaleDifferences(skeleton, clipSkeleton)) report.scaleQuirks.push({ clip: clip.name, ...quirk });

    const animations = source.getRoot().listAnimations();
    if (animations.length === 0) throw new MergeInputError(clip.source, `clip "${clip.name}" (${clip.source}) has no animation`);
    const entry: MergeReport["clips"][number] = { name: clip.name, animations: [], channels: 0, unmapped: [] };
    animations.forEach((animation, k) => {
      const name = k === 0 ? clip.name : `${clip.name}.${animation.getName() || k + 1}`;
      if (written.has(name))
        throw new MergeInputError(
          clip.source,
          `clip "${clip.name}" (${clip.source}): its animation "${animation.getName()}" would be named ${name}, which another clip already uses`,
        );
      written.add(name);
      const copied = copyAnimation(doc, animation, nodes, name);
      if (options.rootMotion === "in_place") pinHorizontal(copied.animation, root);
      entry.animations.push(name);
      entry.channels += copied.channels;
      for (const target of copied.unmapped) if (!entry.unmapped.includes(target)) entry.unmapped.push(target);
    });
    report.clips.push(entry);
  }

  doc.getRoot().getAsset().generator = "rigup";
  await doc.transform(
    ...(options.resample ? [resample()] : []),
    ...(options.meshopt ? [meshopt({ encoder: MeshoptEncoder, level: "medium" })] : []),
    prune(),
    dedup(),
  );
  return { glb: await (await mergeIO()).writeBinary(doc), report };
}

async function read(bytes: Uint8Array, source: string): Promise<Document> {
  const io = await mergeIO();
  try {
    return await io.readBinary(bytes);
  } catch (error) {
    throw new MergeInputError(source, `cannot read ${source} as GLB: ${(error as Error).message}`);
  }
}

/** The rig's nodes a channel may target, by name; a joint wins over another node of the same name. */
function targetNodes(doc: Document, skeleton: Skeleton): Map<string, Node> {
  const nodes = new Map(skeleton.joints);
  for (const node of doc.getRoot().listNodes()) if (!nodes.has(node.getName())) nodes.set(node.getName(), node);
  return nodes;
}
