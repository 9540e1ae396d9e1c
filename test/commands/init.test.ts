/** `rigup init`: a starter manifest rigup can load, git conventions appended idempotently, nothing overwritten. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { PUBLISHED_SCHEMA_URL } from "../../src/init/templates.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";

describe("rigup init", () => {
  it("writes a manifest rigup loads, .gitignore and .gitattributes, and says what to commit", async () => {
    const project = await tempProject();
    const r = await runCli(["init"], { cwd: project.dir });
    expect(r.code, r.stderr).toBe(0);

    const manifest = await readFile(join(project.dir, "characters.yaml"), "utf8");
    expect(manifest.split("\n")[0]).toBe(`# yaml-language-server: $schema=${PUBLISHED_SCHEMA_URL}`);
    const loaded = await loadManifest(join(project.dir, "characters.yaml"));
    expect(loaded.resolved.characters).toEqual([]);
    // A clean plan of the empty manifest.
    expect((await runCli(["plan", "--detailed-exitcode"], { cwd: project.dir })).code).toBe(0);

    const gitignore = (await readFile(join(project.dir, ".gitignore"), "utf8")).split("\n");
    expect(gitignore).toContain(".rigup/");
    expect(gitignore).toContain("/out/");
    const gitattributes = await readFile(join(project.dir, ".gitattributes"), "utf8");
    expect(gitattributes).toContain("characters.lock linguist-generated=true");
    expect(gitattributes).toContain("# out/**/*.glb filter=lfs diff=lfs merge=lfs -text");
    expect(gitattributes).not.toMatch(/merge=union|-diff/);

    expect(r.stderr).toContain("Commit: characters.yaml, characters.lock");
    expect(r.stderr).toContain("Not committed: .rigup/, out/.");
    // Ignored outputs outlive Meshy's 3 days only in a team store: the hint leads with it.
    expect(r.stderr).toMatch(/Keep them in a team store: `store:` in\s+rigup\.config\.yaml/);
    expect(r.stderr).toContain("a clone gets them with `rigup pull`");
  });

  it("never overwrites: keeps an existing manifest, appends only missing lines, twice is a no-op", async () => {
    const project = await tempProject({
      ".gitignore": "node_modules\n.rigup/",
      ".gitattributes": "*.png binary\nout/**/*.glb filter=lfs diff=lfs merge=lfs -text\n",
    });
    const init = await runCli(["init", "--commit-outputs"], { cwd: project.dir });
    expect(init.code, init.stderr).toBe(0);
    const gitignore = await readFile(join(project.dir, ".gitignore"), "utf8");
    // .rigup/ was there; outputs are committed, so nothing to add.
    expect(gitignore).toBe("node_modules\n.rigup/");
    const gitattributes = await readFile(join(project.dir, ".gitattributes"), "utf8");
    expect(gitattributes.startsWith("*.png binary\nout/**/*.glb filter=lfs diff=lfs merge=lfs -text\n")).toBe(true);
    // The enabled LFS line is not added again in its commented form.
    expect(gitattributes).not.toContain("# out/**/*.glb");
    expect(gitattributes).toContain("# out/**/*.fbx filter=lfs");

    await project.write("characters.yaml", "version: 1\ncharacters: { mine: { model: m.glb } }\n");
    const again = await runCli(["init"], { cwd: project.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("kept      characters.yaml (exists: left as it is)");
    expect(await readFile(join(project.dir, "characters.yaml"), "utf8")).toContain("mine");

    const other = await runCli(["init", "-m", "more/characters.yaml", "--commit-outputs"], { cwd: project.dir });
    expect(other.code).toBe(0);
    const files = async () => Promise.all([".gitignore", ".gitattributes"].map((f) => readFile(join(project.dir, "more", f), "utf8")));
    const first = await files();
    await project.write("more/characters.yaml", "version: 1\ncharacters: {}\n");
    await runCli(["init", "-m", "other.yaml", "--commit-outputs"], { cwd: join(project.dir, "more") });
    expect(await files()).toEqual(first);
  });

  it("points $schema at node_modules/rigup when rigup is installed", async () => {
    const project = await tempProject({ "node_modules/rigup/schemas/characters.schema.json": "{}" });
    const r = await runCli(["init", "-m", "game/characters.yaml"], { cwd: project.dir });
    expect(r.code, r.stderr).toBe(0);
    const first = (await readFile(join(project.dir, "game/characters.yaml"), "utf8")).split("\n")[0];
    expect(first).toBe("# yaml-language-server: $schema=../node_modules/rigup/schemas/characters.schema.json");
  });
});
