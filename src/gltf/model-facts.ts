/**
 * What rigup checks of a model before paying to rig it. Read from the glTF JSON alone
 * (accessor counts, attribute names), so a GLB's header and JSON chunk are enough: a
 * large model need not be read whole, and compressed geometry (Draco, meshopt) counts too.
 */
import { NodeIO } from "@gltf-transform/core";

export interface ModelFacts {
  /** Triangles of all meshes, each mesh once (an instanced mesh is not counted per instance). */
  triangles: number;
  /** Every primitive that draws triangles has TEXCOORD_0, so a texture can be mapped onto it. */
  hasUvs: boolean;
}

/** glTF primitive modes 4, 5 and 6 (TRIANGLES, TRIANGLE_STRIP, TRIANGLE_FAN) draw surfaces; 0 to 3 draw points and lines. */
export function drawsTriangles(mode: number): boolean {
  return mode >= 4;
}

/** Triangles drawn by `vertices` indices (or vertices) in `mode`. */
export function trianglesOf(mode: number, vertices: number): number {
  if (mode === 4) return Math.floor(vertices / 3);
  return drawsTriangles(mode) ? Math.max(0, vertices - 2) : 0;
}

/**
 * @example const { triangles, hasUvs } = await modelFacts(await readFile("models/knight.glb"));
 * @throws Error when the bytes are not a GLB gltf-transform can read
 */
export async function modelFacts(glb: Uint8Array): Promise<ModelFacts> {
  const { json } = await new NodeIO().binaryToJSON(glb);
  const count = (accessor: number | undefined) => (accessor === undefined ? 0 : (json.accessors?.[accessor]?.count ?? 0));
  let triangles = 0;
  let hasUvs = true;
  for (const mesh of json.meshes ?? []) {
    for (const primitive of mesh.primitives) {
      const mode = primitive.mode ?? 4;
      triangles += trianglesOf(mode, count(primitive.indices ?? primitive.attributes.POSITION));
      if (drawsTriangles(mode) && primitive.attributes.TEXCOORD_0 === undefined) hasUvs = false;
    }
  }
  return { triangles, hasUvs };
}
