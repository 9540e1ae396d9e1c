/** mergeCharacter on emulator-generated rigs and clips, and on clips edited into other skeletons. */
import { describe, expect, it } from "vitest";
import { animationGlb } from "../../src/emulator/clips.js";
import { HUMANOID_JOINTS } from "../../src/gltf/humanoid.js";
import { mergeCharacter, MergeInputError, SkeletonMismatchError, type MergeOptions } from "../../src/merge/merge-character.js";
import { clipFile, clipFiles, editGlb, expectValid, HEIGHT, keyframes, nodeNamed, readGlb, rigFile, sampleLinear } from "./fixtures.js";

const PLAIN: MergeOptions = { rootMotion: "keep", resample: false, meshopt: false };
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe("mergeCharacter", () => {
  it("puts the rigged mesh once and one named animation per clip, every channel on a joint of the rig's skin", async () => {
    const rig = await rigFile();
    const clips = await clipFiles();
    const { glb, report } = await mergeCharacter(rig, clips, PLAIN);
    await expectValid(glb);

    const merged = await readGlb(glb);
    const original = await readGlb(rig.bytes);
    const root = merged.getRoot();
    expect(root.listSkins()).toHaveLength(1);
    expect(root.listMeshes()).toHaveLength(original.getRoot().listMeshes().length);
    // No node of any clip came along: the rig's nodes, no more.
    expect(root.listNodes().map((n) => n.getName())).toEqual(
      original
        .getRoot()
        .listNodes()
        .map((n) => n.getName()),
    );
    expect(root.listAnimations().map((a) => a.getName())).toEqual(["walking", "running", "hit", "death"]);

    const nodes = new Set(root.listNodes());
    const joints = new Set(root.listSkins()[0]!.listJoints());
    expect([...joints].map((j) => j.getName())).toEqual(HUMANOID_JOINTS);
    for (const animation of root.listAnimations()) {
      expect(animation.listChannels().length).toBeGreaterThan(0);
      for (const channel of animation.listChannels()) {
        expect(nodes.has(channel.getTargetNode()!)).toBe(true);
        expect(joints.has(channel.getTargetNode()!)).toBe(true);
      }
    }

    // Each animation is its clip's, keyframe for keyframe.
    for (const clip of clips) {
      const source = await readGlb(clip.bytes);
      const sourceAnimation = source.getRoot().listAnimations()[0]!;
      expect(
        root
          .listAnimations()
          .find((a) => a.getName() === clip.name)!
          .listChannels(),
      ).toHaveLength(sourceAnimation.listChannels().length);
      for (const [joint, path] of [
        ["LeftUpperLeg", "rotation"],
        ["Hips", "translation"],
      ] as const) {
        expect(keyframes(merged, clip.name, joint, path)).toEqual(keyframes(source, sourceAnimation.getName(), joint, path));
      }
    }
    expect(report).toEqual({
      clips: clips.map((c, i) => ({
        name: c.name,
        animations: [c.name],
        channels: root.listAnimations()[i]!.listChannels().length,
        unmapped: [],
      })),
      scaleQuirks: [],
    });
  });

  it("is smaller than the files it replaces", async () => {
    const rig = await rigFile();
    const clips = await clipFiles();
    const { glb } = await mergeCharacter(rig, clips, PLAIN);
    expect(glb.length).toBeLessThan(rig.bytes.length + sum(clips.map((c) => c.bytes.length)));
    // Less even than the rig plus one clip file: the mesh is stored once, not once per clip.
    expect(glb.length).toBeLessThan(rig.bytes.length + clips[0]!.bytes.length);
  });

  it("gives byte-identical output for the same inputs, with every option", async () => {
    const rig = await rigFile();
    const clips = await clipFiles();
    for (const options of [PLAIN, { rootMotion: "in_place", resample: true, meshopt: true } as const]) {
      const a = await mergeCharacter(rig, clips, options);
      const b = await mergeCharacter(
        { ...rig, bytes: rig.bytes.slice() },
        clips.map((c) => ({ ...c, bytes: c.bytes.slice() })),
        options,
      );
      expect(Buffer.from(a.glb).equals(Buffer.from(b.glb))).toBe(true);
    }
    const json = (glb: Uint8Array) => JSON.parse(Buffer.from(glb.subarray(20, 20 + Buffer.from(glb).readUInt32LE(12))).toString("utf8"));
    expect(json((await mergeCharacter(rig, clips, PLAIN)).glb).asset).toEqual({ generator: "rigup", version: "2.0" });
  });

  it("refuses a clip whose joint is renamed, naming the joints", async () => {
    const rig = await rigFile();
    const clips = await clipFiles(["walking", "running"]);
    const renamed = await editGlb(clips[1]!.bytes, (doc) => void nodeNamed(doc, "LeftHand").setName("LeftPalm"));
    const error = await mergeCharacter(rig, [clips[0]!, { ...clips[1]!, bytes: renamed }], PLAIN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SkeletonMismatchError);
    expect(error).toBeInstanceOf(MergeInputError);
    const mismatch = error as SkeletonMismatchError;
    expect(mismatch.clip).toBe("running");
    expect(mismatch.source).toBe("hero/animations/running.glb");
    expect(mismatch.difference).toEqual({ missing: ["LeftHand"], extra: ["LeftPalm"], reparented: [], duplicates: [] });
    expect(mismatch.message).toBe(
      `clip "running" (hero/animations/running.glb) does not have the rig's skeleton: missing joints LeftHand; extra joints LeftPalm`,
    );
  });

  it("refuses a clip whose joint is re-parented, saying where it hangs in each", async () => {
    const rig = await rigFile();
    const clip = await clipFile("walking");
    const reparented = await editGlb(clip.bytes, (doc) => void nodeNamed(doc, "Chest").addChild(nodeNamed(doc, "LeftHand")));
    const error = await mergeCharacter(rig, [{ ...clip, bytes: reparented }], PLAIN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SkeletonMismatchError);
    expect((error as SkeletonMismatchError).difference.reparented).toEqual([{ joint: "LeftHand", rig: "LeftLowerArm", clip: "Chest" }]);
    expect((error as Error).message).toContain("joint LeftHand's parent is LeftLowerArm in the rig, Chest in the clip");
  });

  it("refuses a clip without a skin, and a clip without an animation", async () => {
    const rig = await rigFile();
    const unskinned = await editGlb((await clipFile("walking")).bytes, (doc) => doc.getRoot().listSkins()[0]!.dispose());
    const noSkin = await mergeCharacter(rig, [{ name: "walking", bytes: unskinned, source: "w.glb" }], PLAIN).catch((e: unknown) => e);
    expect(noSkin).toBeInstanceOf(SkeletonMismatchError);
    expect((noSkin as SkeletonMismatchError).difference.missing).toEqual(HUMANOID_JOINTS);

    const still = await mergeCharacter(rig, [{ name: "pose", bytes: rig.bytes, source: "hero/rig/hero.glb" }], PLAIN).catch(
      (e: unknown) => e,
    );
    expect(still).toBeInstanceOf(MergeInputError);
    expect((still as MergeInputError).message).toBe('clip "pose" (hero/rig/hero.glb) has no animation');

    const garbage = await mergeCharacter(rig, [{ name: "x", bytes: new Uint8Array([1, 2, 3]), source: "x.glb" }], PLAIN).catch(
      (e: unknown) => e,
    );
    expect(garbage).toBeInstanceOf(MergeInputError);
    expect((garbage as MergeInputError).source).toBe("x.glb");
  });

  it("reports channels whose target the rig lacks instead of dropping them silently", async () => {
    const rig = await rigFile();
    const clip = await clipFile("walking");
    // A prop under the right hand with its own keyframes: not a joint, so the skeletons still match.
    const withProp = await editGlb(clip.bytes, (doc) => {
      const prop = doc.createNode("Sword");
      nodeNamed(doc, "RightHand").addChild(prop);
      const animation = doc.getRoot().listAnimations()[0]!;
      const buffer = doc.getRoot().listBuffers()[0]!;
      const input = doc
        .createAccessor()
        .setType("SCALAR")
        .setArray(new Float32Array([0, 1]))
        .setBuffer(buffer);
      const output = doc
        .createAccessor()
        .setType("VEC3")
        .setArray(new Float32Array([0, 0, 0, 0, 0.1, 0]))
        .setBuffer(buffer);
      const sampler = doc.createAnimationSampler().setInput(input).setOutput(output);
      animation
        .addSampler(sampler)
        .addChannel(doc.createAnimationChannel().setTargetNode(prop).setTargetPath("translation").setSampler(sampler));
    });
    const sourceChannels = (await readGlb(withProp)).getRoot().listAnimations()[0]!.listChannels().length;
    const { glb, report } = await mergeCharacter(rig, [{ ...clip, bytes: withProp }], PLAIN);
    await expectValid(glb);
    expect(report.clips[0]).toEqual({ name: "walking", animations: ["walking"], channels: sourceChannels - 1, unmapped: ["Sword"] });
    expect((await readGlb(glb)).getRoot().listAnimations()[0]!.listChannels()).toHaveLength(sourceChannels - 1);
  });

  it("reports a joint whose rest scale differs between rig and clip", async () => {
    const rig = await rigFile();
    const clip = await clipFile("walking");
    const scaled = await editGlb(clip.bytes, (doc) => void nodeNamed(doc, "Hips").setScale([0.01, 0.01, 0.01]));
    const { report } = await mergeCharacter(rig, [{ ...clip, bytes: scaled }, await clipFile("running")], PLAIN);
    expect(report.scaleQuirks).toHaveLength(1);
    expect(report.scaleQuirks[0]).toMatchObject({ clip: "walking", joint: "Hips" });
    expect(report.scaleQuirks[0]!.factor).toBeCloseTo(0.01, 6);
  });

  it("in_place keeps the hips' X and Z at their first keyframe and Y as it was; keep leaves the travel", async () => {
    const rig = await rigFile();
    const clips = await clipFiles(["walking", "hit"]);
    const kept = await readGlb((await mergeCharacter(rig, clips, PLAIN)).glb);
    const { glb } = await mergeCharacter(rig, clips, { ...PLAIN, rootMotion: "in_place" });
    await expectValid(glb);
    const pinned = await readGlb(glb);

    // The hit reaction travels backwards (Z): keep must show it, or this test proves nothing.
    const travel = keyframes(kept, "hit", "Hips", "translation").values.map((v) => v[2]!);
    expect(Math.max(...travel) - Math.min(...travel)).toBeGreaterThan(0.1 * HEIGHT);
    for (const clip of ["walking", "hit"]) {
      const before = keyframes(kept, clip, "Hips", "translation");
      const after = keyframes(pinned, clip, "Hips", "translation");
      expect(after.times).toEqual(before.times);
      const [x0, , z0] = before.values[0]!;
      for (const [i, [x, y, z]] of after.values.entries()) {
        expect([x, z]).toEqual([x0, z0]);
        expect(y).toBe(before.values[i]![1]);
      }
      // Other joints are untouched.
      expect(keyframes(pinned, clip, "LeftUpperLeg", "rotation")).toEqual(keyframes(kept, clip, "LeftUpperLeg", "rotation"));
    }
  });

  it("resample drops redundant keyframes without changing the motion", async () => {
    const rig = await rigFile();
    const clips = await clipFiles(["death"]);
    const { glb } = await mergeCharacter(rig, clips, { ...PLAIN, resample: true });
    await expectValid(glb);
    const plain = await readGlb((await mergeCharacter(rig, clips, PLAIN)).glb);
    const resampled = await readGlb(glb);
    const count = (doc: typeof plain) =>
      sum(
        doc
          .getRoot()
          .listAnimations()[0]!
          .listSamplers()
          .map((s) => s.getInput()!.getCount()),
      );
    // "dead" lies still for its last third: those keyframes go.
    expect(count(resampled)).toBeLessThan(count(plain) * 0.8);
    for (const channel of plain.getRoot().listAnimations()[0]!.listChannels()) {
      const joint = channel.getTargetNode()!.getName();
      const path = channel.getTargetPath() as "translation" | "rotation";
      const before = keyframes(plain, "death", joint, path);
      const after = keyframes(resampled, "death", joint, path);
      for (const [i, t] of before.times.entries()) {
        const value = sampleLinear(after, t);
        value.forEach((v, c) => expect(Math.abs(v - before.values[i]![c]!), `${joint} ${path} at ${t}`).toBeLessThan(2e-3));
      }
    }
  });

  it("meshopt output validates, reads back with the meshopt decoder, and is smaller", async () => {
    const rig = await rigFile();
    const clips = await clipFiles();
    const plain = await mergeCharacter(rig, clips, PLAIN);
    const { glb } = await mergeCharacter(rig, clips, { ...PLAIN, meshopt: true });
    await expectValid(glb);
    expect(glb.length).toBeLessThan(plain.glb.length * 0.8);
    const doc = await readGlb(glb);
    expect(
      doc
        .getRoot()
        .listExtensionsUsed()
        .map((e) => e.extensionName),
    ).toContain("EXT_meshopt_compression");
    expect(
      doc
        .getRoot()
        .listAnimations()
        .map((a) => a.getName()),
    ).toEqual(clips.map((c) => c.name));
    expect(doc.getRoot().listSkins()).toHaveLength(1);
    // Quantized, not garbled: the walk's knee keyframes are still the clip's, to quantization precision.
    const before = keyframes(await readGlb(plain.glb), "walking", "LeftLowerLeg", "rotation");
    const after = keyframes(doc, "walking", "LeftLowerLeg", "rotation");
    expect(after.times.length).toBe(before.times.length);
    after.values.forEach((v, i) => v.forEach((c, k) => expect(Math.abs(c - before.values[i]![k]!)).toBeLessThan(1e-3)));
  });

  it("takes every animation of a clip file holding several, as <name> then <name>.<animation>", async () => {
    const rig = await rigFile();
    const combo = await animationGlb({ heightMeters: HEIGHT, seed: "hero", skinned: true }, [
      { name: "Attack", durationSec: 1, fps: 30, motion: "attack" },
      { name: "Idle", durationSec: 2, fps: 30, motion: "idle" },
    ]);
    const { glb, report } = await mergeCharacter(
      rig,
      [await clipFile("walking"), { name: "combo", bytes: combo, source: "hero/animations/combo.glb" }],
      PLAIN,
    );
    await expectValid(glb);
    expect(
      (await readGlb(glb))
        .getRoot()
        .listAnimations()
        .map((a) => a.getName()),
    ).toEqual(["walking", "combo", "combo.Idle"]);
    expect(report.clips[1]!.animations).toEqual(["combo", "combo.Idle"]);
  });

  it("refuses clip names that are repeated or empty", async () => {
    const rig = await rigFile();
    const walking = await clipFile("walking");
    await expect(mergeCharacter(rig, [walking, walking], PLAIN)).rejects.toThrow(/unique/);
    await expect(mergeCharacter(rig, [{ ...walking, name: "" }], PLAIN)).rejects.toThrow(/unique and not empty/);
  });
});
