/** embedBaseColor: a manifest `texture:` goes into the uploaded GLB under Meshy API v2. */
import { NodeIO } from "@gltf-transform/core";
import { describe, expect, it } from "vitest";
import { MissingUvsError, embedBaseColor } from "../../src/gltf/embed-texture.js";
import { buildHumanoid } from "../../src/gltf/humanoid.js";
import { makeBaseColorTexture } from "../../src/gltf/texture.js";
import { syntheticGlb } from "./synthetic.js";

const png = makeBaseColorTexture("embed");
const read = async (glb: Uint8Array) => (await new NodeIO().readBinary(glb)).getRoot();

describe("embedBaseColor", () => {
  it("makes the PNG the base colour of every material, replacing the old texture", async () => {
    const textured = await buildHumanoid({ heightMeters: 1.7, seed: "knight", skinned: true });
    const root = await read(await embedBaseColor(textured, png));
    expect(root.listTextures()).toHaveLength(1);
    for (const material of root.listMaterials()) {
      expect(material.getBaseColorTexture()?.getImage()).toEqual(png);
      expect(material.getBaseColorTexture()?.getMimeType()).toBe("image/png");
      expect(material.getBaseColorTextureInfo()?.getTexCoord()).toBe(0);
    }
  });

  it("gives a surface without a material one, and turns a colour factor white (keeping its alpha)", async () => {
    const glb = await syntheticGlb([{ vertices: 3 }, { vertices: 3, material: false }]);
    const root = await read(await embedBaseColor(glb, png));
    const [first, second] = root
      .listMeshes()[0]!
      .listPrimitives()
      .map((p) => p.getMaterial());
    expect(second).toBeTruthy();
    expect(second!.getBaseColorTexture()?.getImage()).toEqual(png);
    expect(first!.getBaseColorFactor()).toEqual([1, 1, 1, 0.75]);
  });

  it("is deterministic: the same GLB and PNG give the same bytes", async () => {
    const glb = await buildHumanoid({ heightMeters: 1.8, seed: "mage", skinned: false, texture: false });
    const a = await embedBaseColor(glb, png);
    const b = await embedBaseColor(glb, png);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(await embedBaseColor(glb, makeBaseColorTexture("other"))))).toBe(false);
  });

  it("refuses a model without UVs with a MissingUvsError naming the mesh and primitive", async () => {
    const glb = await syntheticGlb([{ vertices: 3 }, { vertices: 3, uvs: false }]);
    const error = await embedBaseColor(glb, png).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingUvsError);
    expect(error).toMatchObject({ mesh: "Body", primitive: 1 });
    expect((error as Error).message).toMatch(/mesh "Body" primitive 1 has no UV coordinates \(TEXCOORD_0\)/);
  });
});
