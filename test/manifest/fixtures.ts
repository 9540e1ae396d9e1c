/** Tiny stand-ins for user files: only the bytes rigup checks (magic numbers). */
import { Volume } from "memfs";
import type { ManifestFs } from "../../src/manifest/load.js";

/** A GLB header: magic "glTF", version 2, total length 12. */
export function glbBytes(): Uint8Array {
  const b = new Uint8Array(12);
  b.set([0x67, 0x6c, 0x54, 0x46]);
  const v = new DataView(b.buffer);
  v.setUint32(4, 2, true);
  v.setUint32(8, 12, true);
  return b;
}

/** The PNG signature and nothing else. */
export function pngBytes(): Uint8Array {
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
}

export const DIR = "/game";
export const MANIFEST = `${DIR}/characters.yaml`;

/** A memfs volume holding the manifest plus a few valid and invalid inputs. */
export function memProject(manifest: string, extra: Record<string, string | Uint8Array> = {}): ManifestFs {
  const vol = new Volume();
  const files: Record<string, string | Uint8Array> = {
    "characters.yaml": manifest,
    "models/knight.glb": glbBytes(),
    "models/fake.glb": "not a model at all",
    "models/knight.fbx": "Kaydara FBX Binary",
    "textures/skin.png": pngBytes(),
    "textures/skin.jpg.png": new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0]),
    ...extra,
  };
  for (const [p, content] of Object.entries(files)) {
    const abs = `${DIR}/${p}`;
    vol.mkdirSync(abs.slice(0, abs.lastIndexOf("/")), { recursive: true });
    vol.writeFileSync(abs, content);
  }
  return vol.promises;
}
