/**
 * Procedural humanoid GLB builder, shared by the emulator (rigged characters,
 * animation clips) and scripts/make-fixtures.ts (unrigged upload examples).
 * Body parts are boxes, each rigidly skinned to one joint: crude, but a real
 * skinned glTF 2.0 that validators and viewers accept.
 */
import { Document, NodeIO, type Node } from "@gltf-transform/core";
import { poseAt, inferMotionStyle, type MotionStyle } from "./motion.js";
import { buildSkeleton, type Joint } from "./skeleton.js";
import { atlasRect, makeBaseColorTexture } from "./texture.js";

export { HUMANOID_JOINTS } from "./skeleton.js";
export type { MotionStyle } from "./motion.js";

export interface ClipSpec {
  name: string;
  durationSec: number;
  /** Keyframes per second: the clip has round(durationSec * fps) + 1 keyframes. */
  fps: number;
  /** Defaults to a guess from `name`. */
  motion?: MotionStyle;
}

export interface HumanoidOptions {
  heightMeters: number;
  /** Varies bone lengths slightly (a rig task id, a file name...). Same seed, same bytes. */
  seed: string | number;
  /** With a skeleton and skin (a rigged character) or a plain mesh (an upload). */
  skinned: boolean;
  /** One animation clip; needs `skinned`. */
  clip?: ClipSpec;
  /** Default true. false = armature only (skeleton + clip), like Meshy's *_armature.glb. */
  withMesh?: boolean;
  /** Embed a PNG base-color texture. Default true. */
  texture?: boolean;
}

const TEXTURE_SIZE = 64;

// Face frames [normal, u, v] with u x v = normal, so triangles wind counter-clockwise outward.
const FACES: [number, number, number][][] = [
  [
    [1, 0, 0],
    [0, 0, -1],
    [0, 1, 0],
  ],
  [
    [-1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
  ],
  [
    [0, 1, 0],
    [1, 0, 0],
    [0, 0, -1],
  ],
  [
    [0, -1, 0],
    [1, 0, 0],
    [0, 0, 1],
  ],
  [
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0],
  ],
  [
    [0, 0, -1],
    [-1, 0, 0],
    [0, 1, 0],
  ],
];
const CORNERS = [
  [-1, -1],
  [1, -1],
  [1, 1],
  [-1, 1],
] as const;

interface MeshArrays {
  position: Float32Array;
  normal: Float32Array;
  uv: Float32Array;
  joints: Uint8Array;
  weights: Float32Array;
  indices: Uint16Array;
}

/** One box per joint, in bind-pose model space; vertex k of box j is weighted 1.0 to joint j. */
function buildBoxes(joints: Joint[]): MeshArrays {
  const n = joints.length * 24;
  const m: MeshArrays = {
    position: new Float32Array(n * 3),
    normal: new Float32Array(n * 3),
    uv: new Float32Array(n * 2),
    joints: new Uint8Array(n * 4),
    weights: new Float32Array(n * 4),
    indices: new Uint16Array(joints.length * 36),
  };
  let v = 0;
  let i = 0;
  joints.forEach((joint, j) => {
    const [min, max] = joint.box;
    const center = [0, 1, 2].map((a) => joint.world[a]! + (min[a]! + max[a]!) / 2);
    const half = [0, 1, 2].map((a) => (max[a]! - min[a]!) / 2);
    const [u0, v0, u1, v1] = atlasRect(joint.cell, TEXTURE_SIZE);
    for (const [normal, u, w] of FACES) {
      m.indices.set([v, v + 1, v + 2, v, v + 2, v + 3], i);
      i += 6;
      for (const [su, sw] of CORNERS) {
        for (let a = 0; a < 3; a++) {
          m.position[v * 3 + a] = center[a]! + (normal![a]! + su * u![a]! + sw * w![a]!) * half[a]!;
          m.normal[v * 3 + a] = normal![a]!;
        }
        m.uv.set([su < 0 ? u0 : u1, sw < 0 ? v1 : v0], v * 2);
        m.joints[v * 4] = j;
        m.weights[v * 4] = 1;
        v++;
      }
    }
  });
  return m;
}

/**
 * Builds a humanoid GLB, deterministic for the same options.
 * @example await buildHumanoid({ heightMeters: 1.8, seed: "knight", skinned: false })
 * @example await buildHumanoid({ heightMeters: 1.7, seed: rigTaskId, skinned: true, clip: { name: "Walking", durationSec: 1.1, fps: 30 } })
 */
export async function buildHumanoid(options: HumanoidOptions): Promise<Uint8Array> {
  const { heightMeters, seed, skinned, clip } = options;
  const withMesh = options.withMesh ?? true;
  if (!(heightMeters > 0)) throw new RangeError("heightMeters must be > 0");
  if (!skinned && (clip || !withMesh)) throw new Error("clips and armature-only output need skinned: true");

  const doc = new Document();
  const buffer = doc.createBuffer();
  const scene = doc.createScene("Scene");
  doc.getRoot().setDefaultScene(scene);
  const joints = buildSkeleton(heightMeters, seed);
  const acc = (type: "SCALAR" | "VEC2" | "VEC3" | "VEC4" | "MAT4", array: Float32Array | Uint16Array | Uint8Array) =>
    doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);

  let nodes: Node[] = [];
  if (skinned) {
    nodes = joints.map((j) => doc.createNode(j.name).setTranslation(j.translation));
    joints.forEach((j, k) => (j.parent < 0 ? scene.addChild(nodes[k]!) : nodes[j.parent]!.addChild(nodes[k]!)));
  }

  if (withMesh) {
    const arrays = buildBoxes(joints);
    const material = doc.createMaterial("Body").setMetallicFactor(0).setRoughnessFactor(0.85);
    if (options.texture ?? true) {
      const image = makeBaseColorTexture(seed, TEXTURE_SIZE);
      material.setBaseColorTexture(doc.createTexture("BaseColor").setImage(image).setMimeType("image/png").setURI("basecolor.png"));
    } else {
      material.setBaseColorFactor([0.8, 0.65, 0.55, 1]);
    }
    const prim = doc
      .createPrimitive()
      .setMaterial(material)
      .setIndices(acc("SCALAR", arrays.indices))
      .setAttribute("POSITION", acc("VEC3", arrays.position))
      .setAttribute("NORMAL", acc("VEC3", arrays.normal))
      .setAttribute("TEXCOORD_0", acc("VEC2", arrays.uv));
    const meshNode = doc.createNode("Character").setMesh(doc.createMesh("Character").addPrimitive(prim));
    if (skinned) {
      prim.setAttribute("JOINTS_0", acc("VEC4", arrays.joints)).setAttribute("WEIGHTS_0", acc("VEC4", arrays.weights));
      // The bind pose has no rotations, so each inverse bind matrix is a translation by -world.
      const ibm = new Float32Array(joints.length * 16);
      joints.forEach((j, k) => ibm.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -j.world[0], -j.world[1], -j.world[2], 1], k * 16));
      const skin = doc.createSkin("Armature").setSkeleton(nodes[0]!).setInverseBindMatrices(acc("MAT4", ibm));
      nodes.forEach((node) => skin.addJoint(node));
      meshNode.setSkin(skin);
    }
    scene.addChild(meshNode);
  }

  if (clip) addClip(doc, acc, joints, nodes, heightMeters, clip);
  return new NodeIO().writeBinary(doc);
}

function addClip(
  doc: Document,
  acc: (type: "SCALAR" | "VEC3" | "VEC4", a: Float32Array) => ReturnType<Document["createAccessor"]>,
  joints: Joint[],
  nodes: Node[],
  heightMeters: number,
  clip: ClipSpec,
): void {
  if (!(clip.durationSec > 0) || !(clip.fps > 0)) throw new RangeError("clip durationSec and fps must be > 0");
  const style = clip.motion ?? inferMotionStyle(clip.name);
  const frames = Math.round(clip.durationSec * clip.fps) + 1;
  const times = Float32Array.from({ length: frames }, (_, f) => f / clip.fps);
  const poses = Array.from(times, (t) => poseAt(style, t, clip.durationSec));
  const animation = doc.createAnimation(clip.name);
  const input = acc("SCALAR", times);
  const channel = (node: Node, path: "rotation" | "translation", type: "VEC3" | "VEC4", values: Float32Array) => {
    const sampler = doc.createAnimationSampler().setInput(input).setOutput(acc(type, values)).setInterpolation("LINEAR");
    animation.addSampler(sampler).addChannel(doc.createAnimationChannel().setTargetNode(node).setTargetPath(path).setSampler(sampler));
  };
  const animated = joints.map((j) => j.name).filter((name) => poses.some((p) => name in p.rotations));
  for (const name of animated) {
    const out = new Float32Array(frames * 4);
    poses.forEach((p, f) => out.set(p.rotations[name] ?? [0, 0, 0, 1], f * 4));
    channel(nodes[joints.findIndex((j) => j.name === name)]!, "rotation", "VEC4", out);
  }
  const hips = joints[0]!.translation;
  const out = new Float32Array(frames * 3);
  poses.forEach((p, f) =>
    out.set(
      [0, 1, 2].map((a) => hips[a]! + p.hipsOffset[a]! * heightMeters),
      f * 3,
    ),
  );
  channel(nodes[0]!, "translation", "VEC3", out);
}
