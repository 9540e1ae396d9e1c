/** Downloaded outputs: valid glTF (Khronos validator), skeleton and clip per action and fps, FBX/USDZ stand-ins. */
import { createRequire } from "node:module";
import { crc32 } from "node:zlib";
import { NodeIO } from "@gltf-transform/core";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../../src/emulator/index.js";
import { HUMANOID_JOINTS } from "../../src/gltf/humanoid.js";
import { call, createAnimation, createRig, modelDataUri, useEmulator } from "./harness.js";

interface ValidationReport {
  issues: { numErrors: number; numWarnings: number; messages: { code: string; message: string; severity: number }[] };
}
const validator = createRequire(import.meta.url)("gltf-validator") as { validateBytes(data: Uint8Array): Promise<ValidationReport> };

async function download(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

async function expectValid(glb: Uint8Array): Promise<void> {
  const report = await validator.validateBytes(glb);
  expect(report.issues.messages.filter((m) => m.severity === 0)).toEqual([]);
  expect(report.issues.numErrors).toBe(0);
}

describe("outputs", () => {
  it("rigged character: valid skinned humanoid scaled to height_meters", async () => {
    const emu = await useEmulator();
    const rig = await createRig(emu, { model_url: await modelDataUri(), height_meters: 1.8 });
    const result = (await call(emu, "GET", `/openapi/v1/rigging/${rig}`)).json.result;
    const glb = await download(result.rigged_character_glb_url);
    await expectValid(glb);
    const doc = await new NodeIO().readBinary(glb);
    const skin = doc.getRoot().listSkins()[0]!;
    expect(skin.listJoints().map((j) => j.getName())).toEqual([...HUMANOID_JOINTS]);
    expect(skin.listJoints().length).toBeGreaterThanOrEqual(16);
    expect(skin.getInverseBindMatrices()!.getCount()).toBe(skin.listJoints().length);
    const prim = doc.getRoot().listMeshes()[0]!.listPrimitives()[0]!;
    expect(prim.getAttribute("JOINTS_0")).not.toBeNull();
    expect(prim.getAttribute("WEIGHTS_0")).not.toBeNull();
    expect(prim.getMaterial()?.getBaseColorTexture()).not.toBeNull();
    const pos = prim.getAttribute("POSITION")!;
    const height = pos.getMax([0, 0, 0])[1]! - pos.getMin([0, 0, 0])[1]!;
    expect(height).toBeGreaterThan(1.8 * 0.9);
    expect(height).toBeLessThan(1.8 * 1.1);
    // Same task, same bytes.
    expect(Buffer.from(await download(result.rigged_character_glb_url)).equals(Buffer.from(glb))).toBe(true);
  });

  it("two rigs of the same mesh get slightly different skeletons", async () => {
    const emu = await useEmulator();
    const hips = async () => {
      const rig = await createRig(emu, { model_url: await modelDataUri() });
      const result = (await call(emu, "GET", `/openapi/v1/rigging/${rig}`)).json.result;
      const doc = await new NodeIO().readBinary(await download(result.rigged_character_glb_url));
      return doc
        .getRoot()
        .listNodes()
        .find((n) => n.getName() === "LeftLowerLeg")!
        .getTranslation();
    };
    expect(await hips()).not.toEqual(await hips());
  });

  it.each([24, 60])("animation GLB at %i fps: one clip, duration and keyframes follow the action", async (fps) => {
    const emu = await useEmulator();
    const rig = await createRig(emu);
    const id = await createAnimation(emu, { rig_task_id: rig, action_id: 92, post_process: { operation_type: "change_fps", fps } });
    const result = (await call(emu, "GET", `/openapi/v1/animations/${id}`)).json.result;
    const glb = await download(result.animation_glb_url);
    await expectValid(glb);
    const doc = await new NodeIO().readBinary(glb);
    const [clip, ...others] = doc.getRoot().listAnimations();
    expect(others).toEqual([]);
    const duration = CATALOG.find((a) => a.action_id === 92)!.durationSec;
    const input = clip!.listSamplers()[0]!.getInput()!;
    expect(input.getCount()).toBe(Math.round(duration * fps) + 1);
    expect(Math.abs(input.getMax([0])[0]! - duration)).toBeLessThanOrEqual(0.5 / fps);
    // The pose visibly changes: some rotation differs between keyframes.
    const out = clip!
      .listChannels()
      .find((c) => c.getTargetNode()?.getName() === "RightUpperArm")!
      .getSampler()!
      .getOutput()!;
    const first = out.getElement(0, []);
    const deviation = (k: number) => Math.max(...out.getElement(k, []).map((v, i) => Math.abs(v - first[i]!)));
    expect(Math.max(...Array.from({ length: out.getCount() }, (_, k) => deviation(k)))).toBeGreaterThan(0.1);
    expect(doc.getRoot().listSkins()).toHaveLength(1);
    expect(new URL(result.processed_animation_fps_fbx_url).pathname).toMatch(new RegExp(`processed_${fps}fps\\.fbx$`));
  });

  it("armature-only GLB: skeleton and clip, no mesh", async () => {
    const emu = await useEmulator();
    const rig = await createRig(emu);
    const result = (await call(emu, "GET", `/openapi/v1/rigging/${rig}`)).json.result;
    const glb = await download(result.basic_animations.running_armature_glb_url);
    await expectValid(glb);
    const doc = await new NodeIO().readBinary(glb);
    expect(doc.getRoot().listMeshes()).toEqual([]);
    expect(doc.getRoot().listAnimations()).toHaveLength(1);
    expect(
      doc
        .getRoot()
        .listNodes()
        .map((n) => n.getName()),
    ).toEqual(expect.arrayContaining([...HUMANOID_JOINTS]));
  });

  it("FBX stand-ins carry the binary FBX magic and version 7400", async () => {
    const emu = await useEmulator();
    const rig = await createRig(emu);
    const result = (await call(emu, "GET", `/openapi/v1/rigging/${rig}`)).json.result;
    const fbx = Buffer.from(await download(result.rigged_character_fbx_url));
    expect(fbx.subarray(0, 23).toString("latin1")).toBe("Kaydara FBX Binary  \u0000\u001a\u0000");
    expect(fbx.readUInt32LE(23)).toBe(7400);
  });

  it("USDZ stand-in is a stored zip holding a .usda layer", async () => {
    const emu = await useEmulator();
    const rig = await createRig(emu);
    const id = await createAnimation(emu, { rig_task_id: rig, action_id: 4, post_process: { operation_type: "fbx2usdz" } });
    const zip = Buffer.from(await download((await call(emu, "GET", `/openapi/v1/animations/${id}`)).json.result.processed_usdz_url));
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.readUInt16LE(8)).toBe(0); // stored
    const nameLen = zip.readUInt16LE(26);
    const extraLen = zip.readUInt16LE(28);
    const name = zip.subarray(30, 30 + nameLen).toString("utf8");
    expect(name).toMatch(/\.usda$/);
    const start = 30 + nameLen + extraLen;
    expect(start % 64).toBe(0); // USDZ alignment
    const data = zip.subarray(start, start + zip.readUInt32LE(18));
    expect(data.toString("utf8")).toMatch(/^#usda 1\.0\n/);
    expect(crc32(data)).toBe(zip.readUInt32LE(14));
    expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
  });
});
