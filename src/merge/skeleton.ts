/**
 * A skin's skeleton by joint name, and how two of them differ. A rig and its
 * clips are separate files, so node indices mean nothing across them: joint
 * names and the hierarchy between them are what must agree.
 */
import type { Document, Node, Skin } from "@gltf-transform/core";
import type { SkeletonDifference } from "./errors.js";

export interface Skeleton {
  /** Joints by name, in skin order. */
  joints: Map<string, Node>;
  /** Each joint's nearest ancestor that is a joint of the same skin, by name; null for a root. */
  parents: Map<string, string | null>;
  /** The first joint without a parent joint: the hips of a humanoid. */
  root: string;
  /** Names given to more than one joint (which one a channel means is unknowable). */
  duplicates: string[];
}

/** The skin of a rig or clip file: the one with the most joints (Meshy's files have one). */
export function mainSkin(doc: Document): Skin | null {
  let best: Skin | null = null;
  for (const skin of doc.getRoot().listSkins()) if (!best || skin.listJoints().length > best.listJoints().length) best = skin;
  return best;
}

export function describeSkeleton(skin: Skin): Skeleton {
  const list = skin.listJoints();
  const set = new Set(list);
  const joints = new Map<string, Node>();
  const duplicates = new Set<string>();
  for (const joint of list) {
    if (joints.has(joint.getName())) duplicates.add(joint.getName());
    else joints.set(joint.getName(), joint);
  }
  const parents = new Map<string, string | null>();
  for (const [name, joint] of joints) {
    let parent = joint.getParentNode();
    // Bounded: a malformed file must not hang the merge.
    for (let hops = 0; parent && !set.has(parent) && hops < 10_000; hops++) parent = parent.getParentNode();
    parents.set(name, parent && set.has(parent) ? parent.getName() : null);
  }
  const root = [...parents].find(([, parent]) => parent === null)?.[0] ?? list[0]?.getName() ?? "";
  return { joints, parents, root, duplicates: [...duplicates] };
}

/** How `clip` differs from `rig`; every list empty when they match. */
export function compareSkeletons(rig: Skeleton, clip: Skeleton): SkeletonDifference {
  const missing = [...rig.joints.keys()].filter((name) => !clip.joints.has(name));
  const extra = [...clip.joints.keys()].filter((name) => !rig.joints.has(name));
  const reparented = [...rig.parents].flatMap(([joint, parent]) => {
    if (!clip.parents.has(joint) || clip.parents.get(joint) === parent) return [];
    return [{ joint, rig: parent, clip: clip.parents.get(joint) ?? null }];
  });
  return { missing, extra, reparented, duplicates: clip.duplicates };
}

export function matches(d: SkeletonDifference): boolean {
  return d.missing.length + d.extra.length + d.reparented.length + d.duplicates.length === 0;
}

/** Rest scales further apart than this count as different. */
const SCALE_TOLERANCE = 1e-4;

/**
 * Joints whose rest (node) scale differs between rig and clip, with clip / rig
 * on the axis that differs most: library clips can bake a scale into the hips.
 */
export function scaleDifferences(rig: Skeleton, clip: Skeleton): { joint: string; factor: number }[] {
  const found: { joint: string; factor: number }[] = [];
  for (const [joint, rigNode] of rig.joints) {
    const clipNode = clip.joints.get(joint);
    if (!clipNode) continue;
    const r = rigNode.getScale();
    const c = clipNode.getScale();
    let axis = 0;
    for (let a = 1; a < 3; a++) if (Math.abs(c[a]! - r[a]!) > Math.abs(c[axis]! - r[axis]!)) axis = a;
    if (Math.abs(c[axis]! - r[axis]!) > SCALE_TOLERANCE) found.push({ joint, factor: r[axis] === 0 ? Infinity : c[axis]! / r[axis]! });
  }
  return found;
}
