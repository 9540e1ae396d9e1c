/**
 * Writes the example inputs: unrigged, textured humanoid GLBs (what a user
 * uploads to be rigged) and a PNG texture. Deterministic, so re-running it
 * changes nothing. Run: npx tsx scripts/make-fixtures.ts
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildHumanoid } from "../src/gltf/humanoid.js";
import { makeBaseColorTexture } from "../src/gltf/texture.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const MODELS = [
  { name: "knight", heightMeters: 1.8 },
  { name: "archer", heightMeters: 1.7 },
  { name: "goblin", heightMeters: 1.1 },
  { name: "mage", heightMeters: 1.75 },
] as const;

async function write(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  process.stderr.write(`wrote ${relative(ROOT, path)} (${bytes.length} bytes)\n`);
}

for (const m of MODELS) {
  await write(
    join(ROOT, "examples/models", `${m.name}.glb`),
    await buildHumanoid({ heightMeters: m.heightMeters, seed: m.name, skinned: false }),
  );
}
await write(join(ROOT, "examples/textures/mage.png"), makeBaseColorTexture("mage"));
