/** Throwaway game repos for the benchmarks: a manifest of N characters x M actions and their models. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildHumanoid } from "../../src/gltf/humanoid.js";

export function manifestYaml(characters: number, actions: number): string {
  // Action ids 0..18 are all in the emulator's library.
  const ids = Array.from({ length: actions }, (_, i) => i);
  const lines = ["version: 1", "characters:"];
  for (let i = 0; i < characters; i++) {
    lines.push(`  c${i}:`, `    model: models/c${i}.glb`, `    actions: [${ids.join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `rigup-bench-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A project dir with characters.yaml and one small generated GLB per character. */
export async function makeProject(prefix: string, characters: number, actions: number): Promise<string> {
  const dir = await tempDir(prefix);
  await mkdir(join(dir, "models"));
  await writeFile(join(dir, "characters.yaml"), manifestYaml(characters, actions));
  for (let i = 0; i < characters; i++) {
    await writeFile(join(dir, "models", `c${i}.glb`), await buildHumanoid({ heightMeters: 1.7, seed: `c${i}`, skinned: false }));
  }
  return dir;
}
