/** modelFacts: the triangle count and UVs `plan` checks before paying to rig a model. */
import { describe, expect, it } from "vitest";
import { HUMANOID_JOINTS, buildHumanoid } from "../../src/gltf/humanoid.js";
import { modelFacts } from "../../src/gltf/model-facts.js";
import { syntheticGlb } from "./synthetic.js";

describe("modelFacts", () => {
  it("counts the generated humanoid's boxes (12 triangles each) and finds its UVs", async () => {
    const glb = await buildHumanoid({ heightMeters: 1.7, seed: "knight", skinned: true });
    expect(await modelFacts(glb)).toEqual({ triangles: HUMANOID_JOINTS.length * 12, hasUvs: true });
  });

  it("counts a model over Meshy's 380,000 triangles, quickly", async () => {
    const started = Date.now();
    const glb = await syntheticGlb([{ vertices: 3, indices: 3 * 380_001 }]);
    expect(await modelFacts(glb)).toEqual({ triangles: 380_001, hasUvs: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("counts indexed and plain triangles, strips and fans as n - 2, points and lines as 0", async () => {
    const glb = await syntheticGlb([
      { vertices: 4, indices: 6 }, // 2
      { vertices: 9 }, // 3, not indexed
      { mode: 5, vertices: 6 }, // strip: 4
      { mode: 6, vertices: 3, indices: 7 }, // fan: 5
      { mode: 5, vertices: 1 }, // a strip too short for a triangle: 0
      { mode: 0, vertices: 30, uvs: false }, // points
      { mode: 1, vertices: 30, uvs: false }, // lines
      { mode: 3, vertices: 30, uvs: false }, // line strip
    ]);
    // Points and lines need no UVs: only surfaces take a texture.
    expect(await modelFacts(glb)).toEqual({ triangles: 2 + 3 + 4 + 5, hasUvs: true });
  });

  it("says a model has no UVs when one surface lacks TEXCOORD_0", async () => {
    const glb = await syntheticGlb([{ vertices: 3 }, { vertices: 3, uvs: false }]);
    expect(await modelFacts(glb)).toEqual({ triangles: 2, hasUvs: false });
  });

  it("needs only the header and the JSON chunk, not the geometry", async () => {
    const glb = await syntheticGlb([{ vertices: 3, indices: 3 * 1000 }]);
    const jsonLength = new DataView(glb.buffer, glb.byteOffset).getUint32(12, true);
    expect(await modelFacts(glb.slice(0, 20 + jsonLength))).toEqual({ triangles: 1000, hasUvs: true });
  });

  it("throws on bytes that are not a GLB it can read", async () => {
    await expect(modelFacts(new Uint8Array(12))).rejects.toThrow();
  });
});
