/**
 * `rigup preview` reads the tree when the page loads (issue 10, item 8): started
 * before a build, it shows the outputs missing; after `rigup build`, the next
 * load shows them up to date, without restarting the preview.
 */
import { expect, it } from "vitest";
import type { PreviewModel } from "../../src/preview/index.js";
import { tempProject } from "../helpers/project.js";
import { launchRigup, spawnRigup } from "../helpers/spawn.js";

const MANIFEST = `version: 1
characters:
  hero: { model: models/hero.glb, actions: [{ action_id: 4, name: attack }] }
`;

const statuses = (model: PreviewModel) => model.characters.flatMap((c) => [c.rig, ...c.clips].map((i) => `${i.path} ${i.status}`));

it("a page loaded after a build shows what the build wrote", { timeout: 90_000 }, async () => {
  const project = await tempProject({ "characters.yaml": MANIFEST });
  await project.model("models/hero.glb");
  const preview = launchRigup(["preview"], { cwd: project.dir });
  const url = (await preview.waitFor(/http:\/\/127\.0\.0\.1:\d+\//))[0];
  const load = async () => (await (await fetch(new URL("preview.json", url))).json()) as PreviewModel;

  expect(statuses(await load())).toEqual([
    "hero/rig/hero.glb missing",
    "hero/rig/walking.glb missing",
    "hero/rig/running.glb missing",
    "hero/animations/attack.glb missing",
  ]);
  const build = await spawnRigup(["build", "--emulator"], { cwd: project.dir });
  expect(build.code, build.stderr).toBe(0);
  const after = await load();
  expect(statuses(after)).toEqual([
    "hero/rig/hero.glb ok",
    "hero/rig/walking.glb ok",
    "hero/rig/running.glb ok",
    "hero/animations/attack.glb ok",
  ]);
  // Every file the page now names is served.
  for (const item of after.characters.flatMap((c) => [c.rig, ...c.clips])) expect((await fetch(new URL(item.url!, url))).status).toBe(200);
  expect((await preview.stop()).code).toBe(0);
});
