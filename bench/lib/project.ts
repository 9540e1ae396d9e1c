/** Throwaway game repos for the benchmarks: a manifest of N characters x M actions and their models. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildHumanoid } from "../../src/gltf/humanoid.js";

/** Action ids from the emulator's library (any distinct ids do). */
export const ACTION_IDS = [0, 1, 2, 4, 8, 92, 3, 5, 6, 7];

export function manifestYaml(characters: number, actions: number): string {
  const ids = ACTION_IDS.slice(0, actions);
  if (ids.length < actions) throw new Error(`only ${ACTION_IDS.length} action ids known`);
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
