/** `rigup cache-key`: same meaning, same key, on any path; a real change, a new key. */
import { cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { builtProject, MANIFEST, offlineEnv } from "./built.js";

const REORDERED = `# same characters, keys and characters in another order, other comments
characters:
  goblin:
    actions:
      - { name: swing, action_id: 92 }   # a comment
    height_meters: 1.1
    model: models/goblin.glb
  hero:
    actions: [0, 4]
    height_meters: 1.8
    model: models/hero.glb
version: 1
`;

describe("rigup cache-key", () => {
  it("is stable across copies and YAML formatting, and changes with a height", async () => {
    const { project } = await builtProject();
    const env = await offlineEnv();
    const key = async (dir: string) => {
      const r = await runCli(["cache-key"], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const original = await key(project.dir);
    expect(original).toMatch(/^[0-9a-f]{64}$/);

    const copy = await tempProject();
    await cp(project.dir, copy.dir, { recursive: true, filter: (src) => !src.includes(".rigup") });
    expect(await key(copy.dir)).toBe(original);

    await copy.write("characters.yaml", REORDERED);
    expect(await key(copy.dir)).toBe(original);

    await copy.write("characters.yaml", MANIFEST({ heroHeight: 1.81 }));
    expect(await key(copy.dir)).not.toBe(original);
  });

  it("--json gives the parts; the outputs part follows the lockfile's file hashes", async () => {
    const { project } = await builtProject();
    const env = await offlineEnv();
    const parts = async () => JSON.parse((await runCli(["cache-key", "--json"], { cwd: project.dir, env })).stdout);
    const before = await parts();
    expect(before.parts.layoutVersion).toBe(1);
    expect(Object.keys(before.parts).sort()).toEqual(["layoutVersion", "manifest", "outputs"]);

    const lockPath = join(project.dir, "characters.lock");
    const text = await readFile(lockPath, "utf8");
    const sha = /"sha256":"([0-9a-f]{64})"/.exec(text)![1]!;
    await project.write("characters.lock", text.replace(sha, "0".repeat(64)));
    const after = await parts();
    expect(after.parts.manifest).toBe(before.parts.manifest);
    expect(after.parts.outputs).not.toBe(before.parts.outputs);
    expect(after.key).not.toBe(before.key);
  });
});
