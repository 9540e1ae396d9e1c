/**
 * The humanoid skeleton the emulator "rigs" every character with: 19 joints,
 * standing in T-pose, feet at y = 0, facing +Z (the orientation Meshy expects,
 * docs/meshy-api.md §2.1), so the character's left is +X.
 */
import type { AtlasCell } from "./texture.js";
import { createRandom } from "./random.js";

type Vec3 = [number, number, number];

interface JointDef {
  name: string;
  parent: string | null;
  /** Rest translation relative to the parent, as a fraction of the height. */
  offset: Vec3;
  /** Box of the body part this joint moves, [min, max] relative to the joint, fraction of height. */
  box: [Vec3, Vec3];
  cell: AtlasCell;
}

const CENTER: JointDef[] = [
  {
    name: "Hips",
    parent: null,
    offset: [0, 0.53, 0],
    box: [
      [-0.09, -0.05, -0.055],
      [0.09, 0.07, 0.055],
    ],
    cell: "pants",
  },
  {
    name: "Spine",
    parent: "Hips",
    offset: [0, 0.07, 0],
    box: [
      [-0.08, 0, -0.05],
      [0.08, 0.12, 0.05],
    ],
    cell: "cloth",
  },
  {
    name: "Chest",
    parent: "Spine",
    offset: [0, 0.12, 0],
    box: [
      [-0.1, 0, -0.06],
      [0.1, 0.14, 0.06],
    ],
    cell: "cloth",
  },
  {
    name: "Neck",
    parent: "Chest",
    offset: [0, 0.14, 0],
    box: [
      [-0.025, 0, -0.025],
      [0.025, 0.04, 0.025],
    ],
    cell: "skin",
  },
  {
    name: "Head",
    parent: "Neck",
    offset: [0, 0.04, 0],
    box: [
      [-0.055, 0, -0.06],
      [0.055, 0.1, 0.06],
    ],
    cell: "skin",
  },
];

// Left side; the right side mirrors it in X.
const LEFT: JointDef[] = [
  {
    name: "LeftShoulder",
    parent: "Chest",
    offset: [0.02, 0.11, 0],
    box: [
      [0, -0.025, -0.03],
      [0.08, 0.025, 0.03],
    ],
    cell: "trim",
  },
  {
    name: "LeftUpperArm",
    parent: "LeftShoulder",
    offset: [0.08, 0, 0],
    box: [
      [0, -0.025, -0.025],
      [0.16, 0.025, 0.025],
    ],
    cell: "cloth",
  },
  {
    name: "LeftLowerArm",
    parent: "LeftUpperArm",
    offset: [0.16, 0, 0],
    box: [
      [0, -0.022, -0.022],
      [0.14, 0.022, 0.022],
    ],
    cell: "skin",
  },
  {
    name: "LeftHand",
    parent: "LeftLowerArm",
    offset: [0.14, 0, 0],
    box: [
      [0, -0.012, -0.025],
      [0.08, 0.012, 0.025],
    ],
    cell: "gloves",
  },
  {
    name: "LeftUpperLeg",
    parent: "Hips",
    offset: [0.055, -0.03, 0],
    box: [
      [-0.04, -0.23, -0.04],
      [0.04, 0, 0.04],
    ],
    cell: "pants",
  },
  {
    name: "LeftLowerLeg",
    parent: "LeftUpperLeg",
    offset: [0, -0.23, 0],
    box: [
      [-0.033, -0.23, -0.033],
      [0.033, 0, 0.033],
    ],
    cell: "pants",
  },
  {
    name: "LeftFoot",
    parent: "LeftLowerLeg",
    offset: [0, -0.23, 0],
    box: [
      [-0.035, -0.04, -0.03],
      [0.035, 0.02, 0.12],
    ],
    cell: "boots",
  },
];

function mirror(def: JointDef): JointDef {
  const swap = (s: string) => s.replace("Left", "Right");
  const [min, max] = def.box;
  return {
    ...def,
    name: swap(def.name),
    parent: def.parent && swap(def.parent),
    offset: [-def.offset[0], def.offset[1], def.offset[2]],
    box: [
      [-max[0], min[1], min[2]],
      [-min[0], max[1], max[2]],
    ],
  };
}

const DEFS: JointDef[] = [...CENTER, ...LEFT, ...LEFT.map(mirror)];

/** Joint names in skin order (index = JOINTS_0 value). */
export const HUMANOID_JOINTS: readonly string[] = DEFS.map((d) => d.name);

export interface Joint {
  name: string;
  /** Index of the parent in the joint list, -1 for the root. */
  parent: number;
  /** Rest translation relative to the parent, metres. */
  translation: Vec3;
  /** Rest (bind) position in model space, metres. */
  world: Vec3;
  box: [Vec3, Vec3];
  cell: AtlasCell;
}

/**
 * Joints scaled to `heightMeters`. `seed` varies bone lengths by up to +-3%:
 * re-rigging the same mesh on Meshy is not guaranteed to give the same
 * skeleton (retention page, "Note"), and the emulator must show that.
 */
export function buildSkeleton(heightMeters: number, seed: string | number): Joint[] {
  const rand = createRandom(`skeleton:${seed}`);
  const joints: Joint[] = [];
  for (const def of DEFS) {
    const parent = def.parent === null ? -1 : HUMANOID_JOINTS.indexOf(def.parent);
    const jitter = def.parent === null ? 1 : 1 + (rand() - 0.5) * 0.06;
    const translation = def.offset.map((v) => v * heightMeters * jitter) as Vec3;
    const base = parent < 0 ? ([0, 0, 0] as Vec3) : joints[parent]!.world;
    joints.push({
      name: def.name,
      parent,
      translation,
      world: [base[0] + translation[0], base[1] + translation[1], base[2] + translation[2]],
      box: def.box.map((c) => c.map((v) => v * heightMeters)) as [Vec3, Vec3],
      cell: def.cell,
    });
  }
  return joints;
}
