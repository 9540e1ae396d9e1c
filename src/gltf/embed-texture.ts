/**
 * A manifest `texture:` under Meshy API v2, which has no `texture_image_url` and rigs with
 * the textures embedded in the GLB (docs/meshy-api.md §2.1): the PNG goes into the uploaded GLB
 * as its base colour. Deterministic (same GLB and PNG, same bytes), so the upload's digest
 * does not change from one build to the next.
 */
import { Logger, NodeIO, type Material } from "@gltf-transform/core";
import { drawsTriangles } from "./model-facts.js";

/** A surface without UV coordinates: there is no way to map a texture onto it. */
export class MissingUvsError extends Error {
  override readonly name = "MissingUvsError";
  constructor(
    readonly mesh: string,
    readonly primitive: number,
  ) {
    super(`mesh "${mesh || "(unnamed)"}" primitive ${primitive} has no UV coordinates (TEXCOORD_0), so a texture cannot be mapped onto it`);
  }
}

/**
 * Makes `png` the base-colour texture of every material, giving a material to each surface
 * that has none, and drops the base-colour textures it replaces.
 * @example const upload = await embedBaseColor(await readFile("models/knight.glb"), await readFile("textures/knight.png"));
 * @throws MissingUvsError when a primitive that draws triangles has no TEXCOORD_0
 */
export async function embedBaseColor(glb: Uint8Array, png: Uint8Array): Promise<Uint8Array> {
  // ERROR only: a warning (an optional extension rigup does not read is dropped) would break into build progress.
  const io = new NodeIO().setLogger(new Logger(Logger.Verbosity.ERROR));
  const doc = await io.readBinary(glb);
  const root = doc.getRoot();
  const surfaces = root
    .listMeshes()
    .flatMap((mesh) => mesh.listPrimitives().map((primitive, index) => ({ mesh, primitive, index })))
    .filter(({ primitive }) => drawsTriangles(primitive.getMode()));
  for (const { mesh, primitive, index } of surfaces) {
    if (!primitive.getAttribute("TEXCOORD_0")) throw new MissingUvsError(mesh.getName(), index);
  }

  const texture = doc.createTexture("BaseColor").setImage(png).setMimeType("image/png");
  let added: Material | undefined;
  for (const { primitive } of surfaces) if (!primitive.getMaterial()) primitive.setMaterial((added ??= doc.createMaterial("BaseColor")));
  for (const material of root.listMaterials()) {
    material.setBaseColorTexture(texture).getBaseColorTextureInfo()?.setTexCoord(0);
    // The factor multiplies the texture: white, so the PNG is the colour; its alpha (transparency) is kept.
    material.setBaseColorFactor([1, 1, 1, material.getBaseColorFactor()[3]]);
  }
  // Replaced textures no longer used anywhere would only make the upload bigger.
  for (const old of root.listTextures()) if (old !== texture && old.listParents().every((p) => p === root)) old.dispose();
  return io.writeBinary(doc);
}
