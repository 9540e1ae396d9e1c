/**
 * Triangles of an uploaded GLB, for v2's 380,000-triangle rigging limit
 * (docs/meshy-api.md §2.1: quads count as two, so every triangle of every primitive).
 */
import { NodeIO, Primitive } from "@gltf-transform/core";

/** The limit of POST /openapi/v2/rigging (CONFIRMED, v2 rigging page). */
export const MAX_RIG_TRIANGLES = 380_000;

function primitiveTriangles(prim: Primitive): number {
  const count = prim.getIndices()?.getCount() ?? prim.getAttribute("POSITION")?.getCount() ?? 0;
  switch (prim.getMode()) {
    case Primitive.Mode.TRIANGLES:
      return Math.floor(count / 3);
    case Primitive.Mode.TRIANGLE_STRIP:
    case Primitive.Mode.TRIANGLE_FAN:
      return Math.max(0, count - 2);
    default:
      return 0; // points and lines
  }
}

/**
 * Counts the triangles; throws when the bytes are not a readable, self-contained
 * GLB (binaryToJSON refuses external buffers and images, so nothing is fetched or read from disk).
 */
export async function countTriangles(glb: Uint8Array): Promise<number> {
  const io = new NodeIO();
  // A copy: the GLB reader needs 4-byte alignment, and data URIs are decoded at any offset.
  const doc = await io.readJSON(await io.binaryToJSON(new Uint8Array(glb)));
  let triangles = 0;
  for (const mesh of doc.getRoot().listMeshes()) for (const prim of mesh.listPrimitives()) triangles += primitiveTriangles(prim);
  return triangles;
}
