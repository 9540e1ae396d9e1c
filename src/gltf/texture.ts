/**
 * The base-color texture of generated humanoids: an atlas of ATLAS_COLS x
 * ATLAS_ROWS cells, one per body part (skin, cloth, boots...), with a seeded
 * palette and a stitch pattern so a viewer shows it is textured.
 */
import { encodePng } from "./png.js";
import { createRandom } from "./random.js";

export const ATLAS_COLS = 4;
export const ATLAS_ROWS = 4;
export type AtlasCell = "skin" | "hair" | "cloth" | "trim" | "pants" | "boots" | "gloves";
const CELL_INDEX: Record<AtlasCell, number> = { skin: 0, hair: 1, cloth: 2, trim: 3, pants: 4, boots: 5, gloves: 6 };

/** UV rectangle [u0, v0, u1, v1] of an atlas cell, inset by half a texel against bleeding. */
export function atlasRect(cell: AtlasCell, size = 64): [number, number, number, number] {
  const i = CELL_INDEX[cell];
  const col = i % ATLAS_COLS;
  const row = Math.floor(i / ATLAS_COLS);
  const inset = 0.5 / size;
  return [col / ATLAS_COLS + inset, row / ATLAS_ROWS + inset, (col + 1) / ATLAS_COLS - inset, (row + 1) / ATLAS_ROWS - inset];
}

/** A deterministic PNG atlas for `seed`. @example makeBaseColorTexture("mage") */
export function makeBaseColorTexture(seed: string | number, size = 64): Uint8Array {
  const rand = createRandom(`texture:${seed}`);
  const hue = () => Math.floor(rand() * 200) + 40;
  const palette: [number, number, number][] = [
    [224, 172, 140], // skin
    [hue() / 3, hue() / 4, hue() / 5], // hair
    [hue(), hue() / 2, hue() / 2], // cloth
    [230, 200, 90], // trim
    [hue() / 2, hue() / 2, hue()], // pants
    [70, 50, 40], // boots
    [hue() / 2, hue() / 2, hue() / 2], // gloves
  ];
  const cell = size / ATLAS_COLS;
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const idx = Math.floor(y / cell) * ATLAS_COLS + Math.floor(x / cell);
      const [r, g, b] = palette[idx] ?? [128, 128, 128];
      // Diagonal stitches: darker every fourth diagonal, so texturing is visible.
      const shade = (x + y) % 4 === 0 ? 0.8 : 1;
      const o = (y * size + x) * 4;
      rgba[o] = Math.round(r * shade);
      rgba[o + 1] = Math.round(g * shade);
      rgba[o + 2] = Math.round(b * shade);
      rgba[o + 3] = 255;
    }
  }
  return encodePng(size, size, rgba);
}
