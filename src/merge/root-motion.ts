/**
 * "In place" clips: the root joint keeps its height motion (a jump, a bob) but
 * not its travel, so a game moves the character itself.
 */
import type { Animation, Node } from "@gltf-transform/core";

/**
 * Sets X and Z of every translation keyframe of `root` in `animation` to those
 * of the first keyframe; Y (up in glTF) is kept.
 */
export function pinHorizontal(animation: Animation, root: Node): void {
  for (const channel of animation.listChannels()) {
    if (channel.getTargetNode() !== root || channel.getTargetPath() !== "translation") continue;
    const sampler = channel.getSampler()!;
    // A copy: the keyframes might be shared with another channel.
    const output = sampler.getOutput()!.clone();
    sampler.setOutput(output);
    // CUBICSPLINE keyframes are (in-tangent, value, out-tangent): constant X and Z have zero tangents.
    const cubic = sampler.getInterpolation() === "CUBICSPLINE";
    const first = output.getElement(cubic ? 1 : 0, []);
    const v: number[] = [];
    for (let i = 0; i < output.getCount(); i++) {
      output.getElement(i, v);
      const isValue = !cubic || i % 3 === 1;
      v[0] = isValue ? first[0]! : 0;
      v[2] = isValue ? first[2]! : 0;
      output.setElement(i, v);
    }
  }
}
