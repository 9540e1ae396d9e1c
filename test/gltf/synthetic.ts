/** Minimal GLBs built with gltf-transform, shaped for what a test checks (triangle counts, UVs, materials). */
import { Document, NodeIO, type GLTF } from "@gltf-transform/core";

export interface PrimitiveSpec {
  /** glTF mode; default 4 (TRIANGLES). */
  mode?: number;
  vertices: number;
  /** Length of an index buffer (all zeros: degenerate triangles count all the same); absent: not indexed. */
  indices?: number;
  /** Default true: TEXCOORD_0. */
  uvs?: boolean;
  /** Default true: a material of its own, with a base-colour factor and no texture. */
  material?: boolean;
}

/** One mesh "Body" holding the primitives. A big triangle count costs one zero-filled index buffer. */
export async function syntheticGlb(primitives: PrimitiveSpec[]): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const mesh = doc.createMesh("Body");
  primitives.forEach((p, i) => {
    const prim = doc
      .createPrimitive()
      .setMode((p.mode ?? 4) as GLTF.MeshPrimitiveMode)
      .setAttribute(
        "POSITION",
        doc
          .createAccessor()
          .setType("VEC3")
          .setArray(new Float32Array(p.vertices * 3))
          .setBuffer(buffer),
      );
    if (p.indices !== undefined)
      prim.setIndices(doc.createAccessor().setType("SCALAR").setArray(new Uint32Array(p.indices)).setBuffer(buffer));
    if (p.uvs ?? true)
      prim.setAttribute(
        "TEXCOORD_0",
        doc
          .createAccessor()
          .setType("VEC2")
          .setArray(new Float32Array(p.vertices * 2))
          .setBuffer(buffer),
      );
    if (p.material ?? true) prim.setMaterial(doc.createMaterial(`M${i}`).setBaseColorFactor([0.5, 0.25, 0.125, 0.75]));
    mesh.addPrimitive(prim);
  });
  doc.createScene("Scene").addChild(doc.createNode("Body").setMesh(mesh));
  return new NodeIO().writeBinary(doc);
}
