/**
 * What the preview shows about a clip, read from the GLB itself rather than the
 * manifest: the file is the truth about what a game engine will get.
 */
import { NodeIO } from "@gltf-transform/core";

export interface GlbStats {
  /** Longest animation, in seconds: the largest keyframe time of any sampler input. */
  durationSec: number;
  /** Keyframes of the longest sampler input. */
  keyframes: number;
  /** (keyframes - 1) / duration, rounded to 0.01; 0 without animation. */
  fps: number;
  /** Joints of the largest skin; 0 when unskinned. */
  joints: number;
  animations: number;
}

/**
 * @example const { durationSec, fps, joints } = await readGlbStats(await readFile("out/knight/animations/jump.glb"));
 */
export async function readGlbStats(bytes: Uint8Array): Promise<GlbStats> {
  const root = (await new NodeIO().readBinary(bytes)).getRoot();
  let durationSec = 0;
  let keyframes = 0;
  for (const animation of root.listAnimations()) {
    for (const sampler of animation.listSamplers()) {
      const input = sampler.getInput();
      if (!input) continue;
      durationSec = Math.max(durationSec, input.getMax([0])[0] ?? 0);
      keyframes = Math.max(keyframes, input.getCount());
    }
  }
  // Times are float32: round to the millisecond so 1.1 reads 1.1, not 1.100000023841858.
  durationSec = Math.round(durationSec * 1000) / 1000;
  const fps = durationSec > 0 ? Math.round(((keyframes - 1) / durationSec) * 100) / 100 : 0;
  const joints = Math.max(0, ...root.listSkins().map((s) => s.listJoints().length));
  return { durationSec, keyframes, fps, joints, animations: root.listAnimations().length };
}
