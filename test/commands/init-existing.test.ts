/**
 * `rigup init` in a repo that already has characters.yaml (issue 10, item 9):
 * the manifest is kept byte for byte, the missing .gitignore/.gitattributes
 * lines are added, the output says what was left alone, exit 0.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { tempProject } from "../helpers/project.js";
import { spawnRigup } from "../helpers/spawn.js";

const MINE = "version: 1\ncharacters:\n  knight: { model: models/knight.glb, actions: [0] }\n";

it("keeps an existing manifest, adds the missing ignore and attributes lines, and says what it left alone", async () => {
  const project = await tempProject({ "characters.yaml": MINE, ".gitignore": "node_modules/\n.rigup/\n" });
  const run = await spawnRigup(["init"], { cwd: project.dir });
  expect(run.code, run.stderr).toBe(0);
  expect(await readFile(join(project.dir, "characters.yaml"), "utf8")).toBe(MINE);
  // .rigup/ was there already: only the outputs line is added, under its comment.
  expect(await readFile(join(project.dir, ".gitignore"), "utf8")).toMatch(/^node_modules\/\n\.rigup\/\n\n# rigup: outputs.*\n\/out\/\n$/);
  expect(await readFile(join(project.dir, ".gitattributes"), "utf8")).toContain("characters.lock linguist-generated=true");
  expect(run.stderr).toContain("kept      characters.yaml (exists: left as it is)");
  expect(run.stderr).toContain("updated   .gitignore (2 lines added)");
  expect(run.stderr).toMatch(/created   \.gitattributes \(\d+ lines added\)/);
  expect(run.stderr).toContain("Next: `rigup plan`");

  // Twice changes nothing, and says so.
  const again = await spawnRigup(["init"], { cwd: project.dir });
  expect(again.code, again.stderr).toBe(0);
  expect(again.stderr).toContain("unchanged .gitignore (has rigup's lines already)");
  expect(again.stderr).toContain("unchanged .gitattributes (has rigup's lines already)");
});
