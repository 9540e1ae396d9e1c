/**
 * Procedural motions for generated clips. Each style maps a normalised time to
 * joint rotations (and a hips offset) with amplitudes large enough that a
 * preview visibly changes pose; they are stand-ins, not mocap.
 */
export const MOTION_STYLES = ["idle", "walk", "run", "attack", "dead", "arise", "hit", "jump", "cast", "look"] as const;
export type MotionStyle = (typeof MOTION_STYLES)[number];

export type Quat = [number, number, number, number];

export interface Pose {
  /** Local rotation per joint name; joints not listed keep the rest rotation. */
  rotations: Record<string, Quat>;
  /** Hips offset from its rest translation, as a fraction of the height. */
  hipsOffset: [number, number, number];
}

const AXES = { x: [1, 0, 0], y: [0, 1, 0], z: [0, 0, 1] } as const;

function axisAngle(axis: keyof typeof AXES, angle: number): Quat {
  const s = Math.sin(angle / 2);
  const [x, y, z] = AXES[axis];
  return [x * s, y * s, z * s, Math.cos(angle / 2)];
}

/** Hamilton product a*b: applies b first, then a. */
function mul(a: Quat, b: Quat): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

const rx = (a: number) => axisAngle("x", a);
const ry = (a: number) => axisAngle("y", a);
const rz = (a: number) => axisAngle("z", a);
const smooth = (t: number) => t * t * (3 - 2 * t);
const clamp01 = (t: number) => Math.min(1, Math.max(0, t));

/** Arms hang from the T-pose by `down` radians, then swing forward by `swing`. */
function arms(down: number, swingL: number, swingR: number, elbow: number): Record<string, Quat> {
  return {
    LeftUpperArm: mul(rx(-swingL), rz(-down)),
    RightUpperArm: mul(rx(-swingR), rz(down)),
    LeftLowerArm: ry(-elbow),
    RightLowerArm: ry(elbow),
  };
}

function gait(p: number, legAmp: number, kneeAmp: number, armAmp: number, lean: number, bob: number): Pose {
  const s = Math.sin(p);
  return {
    rotations: {
      ...arms(1.2, armAmp * s, -armAmp * s, 0.3 + armAmp * 0.5),
      LeftUpperLeg: rx(-legAmp * s),
      RightUpperLeg: rx(legAmp * s),
      LeftLowerLeg: rx(kneeAmp * Math.max(0, Math.sin(p + Math.PI / 2))),
      RightLowerLeg: rx(kneeAmp * Math.max(0, -Math.sin(p + Math.PI / 2))),
      Spine: mul(rx(lean), ry(0.12 * s)),
    },
    hipsOffset: [0, bob * Math.cos(2 * p), 0],
  };
}

/**
 * Pose of `style` at time `t` of a clip lasting `duration` seconds.
 * Cyclic styles complete whole cycles so clips loop.
 */
export function poseAt(style: MotionStyle, t: number, duration: number): Pose {
  const s = duration > 0 ? t / duration : 0; // 0..1 through the clip
  const cycles = (period: number) => Math.max(1, Math.round(duration / period));
  const rest: Pose = { rotations: arms(1.2, 0, 0, 0.2), hipsOffset: [0, 0, 0] };
  switch (style) {
    case "walk":
      return gait(2 * Math.PI * cycles(1.1) * s, 0.5, 0.7, 0.4, 0.05, 0.012);
    case "run":
      return gait(2 * Math.PI * cycles(0.7) * s, 0.9, 1.3, 0.8, 0.25, 0.025);
    case "idle": {
      const p = 2 * Math.PI * cycles(2) * s;
      return {
        rotations: {
          ...arms(1.2 + 0.08 * Math.sin(p), 0.05 * Math.sin(p), 0.05 * Math.sin(p), 0.2),
          Chest: rx(0.04 * Math.sin(p)),
          Head: ry(0.25 * Math.sin(p / 2)),
        },
        hipsOffset: [0, 0.004 * Math.sin(p), 0],
      };
    }
    case "look": {
      const p = 2 * Math.PI * s;
      return {
        rotations: { ...rest.rotations, ...arms(0.9, 0.3, 0.3, 0.6), Head: ry(0.7 * Math.sin(p)), Spine: ry(0.25 * Math.sin(p)) },
        hipsOffset: [0, 0, 0],
      };
    }
    case "attack": {
      const p = 2 * Math.PI * cycles(1.1) * s;
      return {
        rotations: {
          ...arms(1.0, 0.3, 1.5 * Math.sin(p) + 0.5, 0.6),
          Spine: ry(0.5 * Math.sin(p)),
          LeftUpperLeg: rx(-0.35),
          RightUpperLeg: rx(0.3),
          LeftLowerLeg: rx(0.4),
        },
        hipsOffset: [0, -0.02, 0.02 * Math.sin(p)],
      };
    }
    case "dead":
    case "arise": {
      const e = smooth(clamp01(style === "dead" ? s * 1.5 : 1 - s * 1.5));
      return {
        rotations: {
          ...arms(1.2 - 1.4 * e, 0, 0, 0.2),
          Hips: rx(-1.45 * e),
          LeftUpperLeg: rx(-0.3 * e),
          LeftLowerLeg: rx(0.5 * e),
          Head: rx(0.3 * e),
        },
        hipsOffset: [0, -0.42 * e, -0.1 * e],
      };
    }
    case "hit": {
      const e = Math.sin(Math.PI * s);
      return {
        rotations: {
          ...arms(0.4, -0.8 * e, -0.8 * e, 0.4),
          Spine: rx(-0.6 * e),
          Head: rx(-0.4 * e),
          LeftUpperLeg: rx(0.5 * e),
          RightUpperLeg: rx(0.3 * e),
        },
        hipsOffset: [0, 0.15 * e, -0.2 * s],
      };
    }
    case "jump": {
      const air = Math.sin(Math.PI * clamp01((s - 0.2) / 0.6));
      const crouch = Math.max(0, Math.sin(Math.PI * clamp01(s / 0.25)), Math.sin(Math.PI * clamp01((s - 0.75) / 0.25)));
      return {
        rotations: {
          ...arms(1.2 - 1.6 * air, 0.4 * air, 0.4 * air, 0.3),
          LeftUpperLeg: rx(-0.9 * crouch),
          RightUpperLeg: rx(-0.9 * crouch),
          LeftLowerLeg: rx(1.6 * crouch),
          RightLowerLeg: rx(1.6 * crouch),
        },
        hipsOffset: [0, 0.25 * air - 0.12 * crouch, 0],
      };
    }
    case "cast": {
      const e = Math.sin(Math.PI * s);
      return {
        rotations: {
          LeftUpperArm: mul(ry(-1.4 * e), rz(-1.2 * (1 - e))),
          RightUpperArm: mul(ry(1.4 * e), rz(1.2 * (1 - e))),
          Spine: rx(-0.2 * e),
          Head: rx(-0.2 * e),
        },
        hipsOffset: [0, 0, 0],
      };
    }
  }
}

/** Guesses a style from a clip name (e.g. "Walking_Woman" -> walk). */
export function inferMotionStyle(name: string): MotionStyle {
  const n = name.toLowerCase();
  const rules: [RegExp, MotionStyle][] = [
    [/jump/, "jump"],
    [/arise|getup|stand ?up/, "arise"],
    [/dead|death|dying|die/, "dead"],
    [/hit|hurt/, "hit"],
    [/attack|combo|swing|slash|punch|kick/, "attack"],
    [/run|sprint/, "run"],
    [/walk/, "walk"],
    [/skill|cast|spell/, "cast"],
    [/alert|look/, "look"],
  ];
  return rules.find(([re]) => re.test(n))?.[1] ?? "idle";
}
