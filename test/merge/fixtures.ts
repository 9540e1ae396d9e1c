/**
 * Inputs for merge tests, made by the emulator's own generator: a rig and its
 * clips share the rig's seed, so they share its skeleton, as Meshy's outputs do.
 */
import { createRequire } from "node:module";
import { type Document, NodeIO } from "@gltf-transform/core";
import { expect } from "vitest";
import { buildHumanoid, type ClipSpec } from "../../src/gltf/humanoid.js";
import type { ClipSource } from "../../src/merge/merge-character.js";
import { mergeIO } from "../../src/merge/io.js";

interface ValidationReport {
  issues: { numErrors: number; messages: { code: string; message: string; severity: number; pointer?: string }[] };
}
const validator = createRequire(import.meta.url)("gltf-validator") as { validateBytes(data: Uint8Array): Promise<ValidationReport> };

/** The Khronos validator finds no error (severity 0). */
export async function expectValid(glb: Uint8Array, what = "merged file"): Promise<void> {
  const report = await validator.validateBytes(glb);
  expect(
    report.issues.messages.filter((m) => m.severity === 0),
    what,
  ).toEqual([]);
  expect(report.issues.numErrors, what).toBe(0);
}

export const HEIGHT = 1.7;

/** The clips the emulator gives a rig (walking, running) and two actions: one that travels (hit) and one that settles (dead). */
export const CLIPS: Record<string, ClipSpec> = {
  walking: { name: "Walking", durationSec: 1.1, fps: 30, motion: "walk" },
  running: { name: "Running", durationSec: 0.7, fps: 30, motion: "run" },
  hit: { name: "Hit_Reaction", durationSec: 1.2, fps: 30, motion: "hit" },
  death: { name: "Dead", durationSec: 2, fps: 24, motion: "dead" },
};

export async function rigFile(seed = "hero"): Promise<{ bytes: Uint8Array; source: string }> {
  return { bytes: await buildHumanoid({ heightMeters: HEIGHT, seed, skinned: true }), source: "hero/rig/hero.glb" };
}

export async function clipFile(name: string, seed = "hero"): Promise<ClipSource> {
  const bytes = await buildHumanoid({ heightMeters: HEIGHT, seed, skinned: true, clip: CLIPS[name]! });
  return { name, bytes, source: `hero/animations/${name}.glb` };
}

export async function clipFiles(names = Object.keys(CLIPS), seed = "hero"): Promise<ClipSource[]> {
  return Promise.all(names.map((n) => clipFile(n, seed)));
}

/** Reads with every extension and the meshopt decoder (what the merge writes may need them). */
export async function readGlb(bytes: Uint8Array): Promise<Document> {
  return (await mergeIO()).readBinary(bytes);
}

/** `bytes` edited with gltf-transform, e.g. a joint renamed: a clip from another skeleton. */
export async function editGlb(bytes: Uint8Array, edit: (doc: Document) => void): Promise<Uint8Array> {
  const io = new NodeIO();
  const doc = await io.readBinary(bytes);
  edit(doc);
  return io.writeBinary(doc);
}

export function nodeNamed(doc: Document, name: string) {
  const node = doc
    .getRoot()
    .listNodes()
    .find((n) => n.getName() === name);
  if (!node) throw new Error(`no node ${name}`);
  return node;
}

/** Keyframes of `joint`'s `path` channel in the animation named `animation`: times and values, one array per keyframe. */
export function keyframes(doc: Document, animation: string, joint: string, path: "translation" | "rotation") {
  const anim = doc
    .getRoot()
    .listAnimations()
    .find((a) => a.getName() === animation);
  const channel = anim?.listChannels().find((c) => c.getTargetNode()?.getName() === joint && c.getTargetPath() === path);
  if (!channel) throw new Error(`no ${path} channel of ${joint} in ${animation}`);
  const sampler = channel.getSampler()!;
  const input = sampler.getInput()!;
  const output = sampler.getOutput()!;
  const times = Array.from({ length: input.getCount() }, (_, i) => input.getScalar(i));
  const values = Array.from({ length: output.getCount() }, (_, i) => output.getElement(i, []));
  return { times, values, interpolation: sampler.getInterpolation() };
}

/** A LINEAR channel's value at time `t`: lerp, or slerp for rotations (as glTF defines them). */
export function sampleLinear(k: { times: number[]; values: number[][] }, t: number): number[] {
  const { times, values } = k;
  if (t <= times[0]!) return values[0]!;
  if (t >= times.at(-1)!) return values.at(-1)!;
  const i = times.findIndex((x) => x >= t);
  const f = (t - times[i - 1]!) / (times[i]! - times[i - 1]!);
  const a = values[i - 1]!;
  let b = values[i]!;
  if (a.length !== 4) return a.map((v, c) => v + (b[c]! - v) * f);
  let dot = a.reduce((sum, v, c) => sum + v * b[c]!, 0);
  if (dot < 0) [b, dot] = [b.map((v) => -v), -dot];
  if (dot > 0.9995) return a.map((v, c) => v + (b[c]! - v) * f);
  const theta = Math.acos(dot);
  const wa = Math.sin((1 - f) * theta) / Math.sin(theta);
  const wb = Math.sin(f * theta) / Math.sin(theta);
  return a.map((v, c) => wa * v + wb * b[c]!);
}
