/**
 * A throwaway game repo: a manifest, generated humanoid GLBs, and a temp dir
 * that is removed after the test.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { buildHumanoid } from "../../src/gltf/humanoid.js";

export interface TempProject {
  dir: string;
  write(path: string, content: string | Uint8Array): Promise<void>;
  /** Writes an unrigged humanoid GLB (what a user uploads). */
  model(path: string, heightMeters?: number): Promise<void>;
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export async function tempProject(files: Record<string, string> = {}): Promise<TempProject> {
  const dir = await mkdtemp(join(tmpdir(), "rigup-test-"));
  dirs.push(dir);
  const project: TempProject = {
    dir,
    async write(path, content) {
      const abs = join(dir, path);
      await mkdir(join(abs, ".."), { recursive: true });
      await writeFile(abs, content);
    },
    async model(path, heightMeters = 1.8) {
      await project.write(path, await buildHumanoid({ heightMeters, seed: path, skinned: false }));
    },
  };
  for (const [path, content] of Object.entries(files)) await project.write(path, content);
  return project;
}

/** Two characters, 2 rigs and 5 animations (25 credits): the fault and policy tests' project. */
export const TWO_CHARACTERS = {
  manifest: `version: 1
characters:
  hero:
    model: models/hero.glb
    actions: [0, 4, 8]
  goblin:
    model: models/goblin.glb
    height_meters: 1.1
    actions: [2, 16]
`,
  units: { rig: 2, animation: 5 },
  credits: 2 * 5 + 5 * 3,
};

export async function twoCharacterProject(): Promise<TempProject> {
  const project = await tempProject({ "characters.yaml": TWO_CHARACTERS.manifest });
  await project.model("models/hero.glb");
  await project.model("models/goblin.glb", 1.1);
  return project;
}

export interface HeroGoblinOptions {
  heroHeight?: number;
  /** YAML for the hero's actions. */
  heroActions?: string;
  /** YAML for the goblin's actions, or false for no goblin. */
  goblinActions?: string | false;
}

/** The e2e tests' game: a hero (1.8 m) and a goblin (1.1 m), with what each test varies. */
export function heroGoblinManifest(o: HeroGoblinOptions = {}): string {
  const { heroHeight = 1.8, heroActions = "[0, 4]", goblinActions = "[2]" } = o;
  const goblin =
    goblinActions === false ? "" : `  goblin:\n    model: models/goblin.glb\n    height_meters: 1.1\n    actions: ${goblinActions}\n`;
  return `# yaml-language-server: $schema=../schemas/characters.schema.json
version: 1
characters:
  hero:
    model: models/hero.glb
    height_meters: ${heroHeight}
    actions: ${heroActions}
${goblin}`;
}
