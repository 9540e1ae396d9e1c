/**
 * A build sweeps the temp files a killed run left in the output tree, and only
 * those: names rigup gives its own temp files, never anything ending in `.tmp`
 * (`rigup build -o .` once deleted the user's `notes/.draft.tmp`).
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";

let emulator: Emulator;
afterEach(async () => {
  await emulator.close();
});

it("`rigup build -o .` removes its own leftover temp files and keeps the user's .tmp files", async () => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  const project = await tempProject({
    "characters.yaml": "version: 1\ncharacters:\n  hero:\n    model: models/hero.glb\n",
    "notes/.draft.tmp": "my draft",
    "hero/rig/.hero.glb.12.0123456789ab.tmp": "looks like an old temp name, but is not rigup's",
    "hero/rig/.rigup-tmp-hero.glb.4242.0123456789ab.tmp": "half a download from a killed run",
  });
  await project.model("models/hero.glb");

  const run = await runCli(["build", "--yes", "-o", "."], {
    cwd: project.dir,
    env: { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey },
  });
  expect(run.code, run.stderr).toBe(0);
  expect(await readFile(join(project.dir, "notes/.draft.tmp"), "utf8")).toBe("my draft");
  const rig = await readdir(join(project.dir, "hero/rig"));
  expect(rig).toContain(".hero.glb.12.0123456789ab.tmp");
  expect(rig).toContain("hero.glb");
  expect(rig.filter((name) => name.startsWith(".rigup-tmp-"))).toEqual([]);
});
