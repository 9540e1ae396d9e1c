/**
 * Animation files with one clip per requested action (`action_ids`: "one file,
 * one clip per animation", docs/meshy-api.md §2.2). src/gltf builds one clip per file,
 * so each further clip is built on the same rig seed (the same skeleton) and its
 * channels are copied into the first file, matched by joint name.
 */
import { NodeIO } from "@gltf-transform/core";
import { copyAnimation } from "../gltf/copy-animation.js";
import { buildHumanoid, type ClipSpec, type HumanoidOptions } from "../gltf/humanoid.js";
import type { ClipSource } from "./state.js";

/** Clip specs at `fps`, named after their actions; a repeated name gets its position appended, so names stay unique in a file. */
export function clipSpecs(clips: readonly ClipSource[], fps: number): ClipSpec[] {
  const seen = new Set<string>();
  return clips.map((c, i) => {
    const name = seen.has(c.name) ? `${c.name}_${i + 1}` : c.name;
    seen.add(name);
    return { name, durationSec: c.durationSec, fps, motion: c.motion };
  });
}

/** The animated character carrying every clip, in order. */
export async function animationGlb(base: Omit<HumanoidOptions, "clip">, specs: readonly ClipSpec[]): Promise<Uint8Array> {
  const [first, ...rest] = specs;
  const glb = await buildHumanoid({ ...base, clip: first });
  if (rest.length === 0) return glb;
  const io = new NodeIO();
  const doc = await io.readBinary(glb);
  const nodes = new Map(
    doc
      .getRoot()
      .listNodes()
      .map((n) => [n.getName(), n]),
  );
  for (const spec of rest) {
    // Armature only: the mesh would be thrown away.
    const source = await io.readBinary(await buildHumanoid({ ...base, clip: spec, withMesh: false }));
    for (const animation of source.getRoot().listAnimations()) copyAnimation(doc, animation, nodes);
  }
  return io.writeBinary(doc);
}
