import { spawnSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/diagnostics/errors.js";
import { buildPreviewModel, type PreviewModel } from "../../src/preview/index.js";
import { writeStaticPreview } from "../../src/preview/static.js";
import { THREE_FILES } from "../../src/preview/vendor.js";
import { exampleTree, type ExampleTree } from "./fixture.js";

let tree: ExampleTree;
let model: PreviewModel;
let site: string;
beforeEach(async () => {
  tree = await exampleTree();
  model = await buildPreviewModel(tree.project, tree.plan);
  site = path.join(tree.dir, "site");
});
afterEach(() => tree.remove());

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

describe("writeStaticPreview", () => {
  it("writes the page, the model, the listed GLBs and the three.js modules, and reports exactly those", async () => {
    const written = await writeStaticPreview({ outDir: tree.outDir, model, dir: site });
    const glbs = [
      "files/goblin/animations/idle.glb",
      "files/goblin/rig/goblin.glb",
      "files/goblin/rig/walking.glb",
      "files/knight/animations/attack.glb",
      "files/knight/rig/knight.glb",
      "files/knight/rig/walking.glb",
    ];
    const expected = ["app.js", "index.html", "preview.json", "style.css", ...glbs, ...THREE_FILES.map((f) => `vendor/three/${f}`)].sort();
    expect(written).toEqual(expected);
    expect(await listTree(site)).toEqual(expected);
    expect(await readFile(path.join(site, "files/knight/rig/knight.glb"))).toEqual(
      await readFile(path.join(tree.outDir, "knight/rig/knight.glb")),
    );
    expect(JSON.parse(await readFile(path.join(site, "preview.json"), "utf8"))).toEqual(model);
  });

  it("uses only relative URLs, each naming a written file", async () => {
    const written = new Set(await writeStaticPreview({ outDir: tree.outDir, model, dir: site }));
    const html = await readFile(path.join(site, "index.html"), "utf8");
    const app = await readFile(path.join(site, "app.js"), "utf8");
    const css = await readFile(path.join(site, "style.css"), "utf8");
    const json = await readFile(path.join(site, "preview.json"), "utf8");
    for (const text of [html, app, css, json]) {
      expect(text).not.toMatch(/https?:|["'(]\/\//);
      expect(text).not.toMatch(/(src|href)="\/|fetch\(["']\/|url\(\//);
    }
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith("data:"));
    const importMap = JSON.parse(/<script type="importmap">(.*?)<\/script>/s.exec(html)![1]!) as { imports: Record<string, string> };
    const importRefs = Object.values(importMap.imports);
    const fetched = [...app.matchAll(/fetch\("([^"]+)"\)/g)].map((m) => m[1]!);
    const fileUrls = model.characters.flatMap((c) => [c.rig, ...c.clips]).flatMap((i) => (i.url ? [i.url] : []));
    expect(fetched).toEqual(["./preview.json"]);
    for (const url of [...refs, ...importRefs, ...fetched, ...fileUrls]) {
      expect(url).toMatch(/^(\.\/)?[a-z]/);
      const rel = url.replace(/^\.\//, "");
      // Import-map prefixes ("three/addons/") name a folder of written modules.
      if (rel.endsWith("/")) expect([...written].some((f) => f.startsWith(rel))).toBe(true);
      else expect(written.has(rel)).toBe(true);
    }
  });

  it("copies a character's merged file, at the URL the page loads it from", async () => {
    const merged = path.join(tree.outDir, "knight/knight.glb");
    await writeFile(merged, await readFile(path.join(tree.outDir, "knight/rig/walking.glb")));
    model = await buildPreviewModel(tree.project, tree.plan);
    expect(model.characters[0]!.merged).toBe("knight/knight.glb");
    const written = await writeStaticPreview({ outDir: tree.outDir, model, dir: site });
    expect(written).toContain("files/knight/knight.glb");
    expect(await readFile(path.join(site, "files/knight/knight.glb"))).toEqual(await readFile(merged));
  });

  it("ships an app.js that parses as an ES module", async () => {
    await writeStaticPreview({ outDir: tree.outDir, model, dir: site });
    await writeFile(path.join(site, "app.mjs"), await readFile(path.join(site, "app.js")));
    const check = spawnSync(process.execPath, ["--check", path.join(site, "app.mjs")], { encoding: "utf8", timeout: 10_000 });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  });

  it("refuses to write into the output tree, where the copies would look like stray outputs", async () => {
    const inside = path.join(tree.outDir, "preview");
    await expect(writeStaticPreview({ outDir: tree.outDir, model, dir: inside })).rejects.toBeInstanceOf(UserError);
    await expect(writeStaticPreview({ outDir: tree.outDir, model, dir: tree.outDir })).rejects.toThrow(/inside the output directory/);
  });
});
