/**
 * Copies an animation from one glTF document onto another document's nodes,
 * matched by node name: channels point at node indices, which differ between
 * files, while joint names are what a rig and its clips share. Used by the
 * emulator (several clips in one file) and by src/merge (every clip of a
 * character on its rigged mesh).
 */
import {
  PropertyType,
  type Accessor,
  type Animation,
  type AnimationSampler,
  type Document,
  type Node,
  type Property,
} from "@gltf-transform/core";

export interface CopiedAnimation {
  animation: Animation;
  /** Channels copied. */
  channels: number;
  /** Target names of the channels left out because `nodes` has no node of that name, each once, in channel order. */
  unmapped: string[];
}

/**
 * Adds to `target` a copy of `source` (an animation of another document) named
 * `name`, each channel retargeted to the node of `nodes` with its target's name.
 * Keyframe data goes into the target's first buffer.
 * @example copyAnimation(rigDoc, clipAnimation, new Map(rigDoc.getRoot().listNodes().map((n) => [n.getName(), n])), "walking")
 */
export function copyAnimation(
  target: Document,
  source: Animation,
  nodes: ReadonlyMap<string, Node>,
  name = source.getName(),
): CopiedAnimation {
  const buffer = target.getRoot().listBuffers()[0] ?? target.createBuffer();
  const copies = new Map<Property, Property>();
  // Property.copy() asks this for every reference it copies: nodes are looked up, keyframe data cloned once each.
  const resolve = (p: Property): Property => {
    if (p.propertyType === PropertyType.BUFFER) return buffer;
    if (p.propertyType === PropertyType.NODE) return nodes.get(p.getName())!;
    let copy = copies.get(p);
    if (copy) return copy;
    if (p.propertyType === PropertyType.ACCESSOR) copy = target.createAccessor().copy(p as Accessor, resolve);
    else if (p.propertyType === PropertyType.ANIMATION_SAMPLER) copy = target.createAnimationSampler().copy(p as AnimationSampler, resolve);
    else throw new Error(`cannot copy animation "${source.getName()}": it refers to a ${p.propertyType} (an extension?)`);
    copies.set(p, copy);
    return copy;
  };

  const animation = target.createAnimation(name);
  const unmapped = new Set<string>();
  const samplers = new Set<AnimationSampler>();
  let channels = 0;
  for (const channel of source.listChannels()) {
    const node = channel.getTargetNode();
    // No target node (e.g. KHR_animation_pointer): nothing to map it to, by name or otherwise.
    const targetName = node ? node.getName() : "(no target node)";
    if (!node || !nodes.has(targetName)) {
      unmapped.add(targetName);
      continue;
    }
    const copy = target.createAnimationChannel().copy(channel, resolve);
    const sampler = copy.getSampler()!;
    // Samplers may be shared between channels; the animation lists each once.
    if (!samplers.has(sampler)) animation.addSampler(sampler);
    samplers.add(sampler);
    animation.addChannel(copy);
    channels++;
  }
  return { animation, channels, unmapped: [...unmapped] };
}
