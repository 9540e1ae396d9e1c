/**
 * The preview page as a user meets it (issue 10, item 8), in Chromium: after a
 * build, reloading the page that `rigup preview` serves shows every character
 * playing a clip (not standing in its bind pose); a `--static` export opened
 * from disk says how to serve it instead of "Loading…" forever.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempProject } from "../helpers/project.js";
import { launchRigup, spawnRigup } from "../helpers/spawn.js";
import { chromiumTitle, hasChromium, launchChromium, openPreview, waitReady, type Browser } from "./chromium.js";

const MANIFEST = `version: 1
characters:
  hero: { model: models/hero.glb, actions: [{ action_id: 4, name: attack }] }
  goblin: { model: models/goblin.glb, height_meters: 1.1, actions: [2] }
`;

describe.skipIf(!hasChromium)(chromiumTitle("the preview page on load"), () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function project() {
    const p = await tempProject({ "characters.yaml": MANIFEST });
    await p.model("models/hero.glb");
    await p.model("models/goblin.glb", 1.1);
    return p;
  }

  it("reloaded after a build, shows the new outputs with every character playing a clip", { timeout: 90_000 }, async () => {
    const game = await project();
    const preview = launchRigup(["preview"], { cwd: game.dir });
    const url = (await preview.waitFor(/http:\/\/127\.0\.0\.1:\d+\//))[0];
    const { page, errors } = await openPreview(browser.context, url);
    expect(await page.getByTestId("rig-status-hero").innerText()).toBe("missing");

    const build = await spawnRigup(["build", "--emulator"], { cwd: game.dir });
    expect(build.code, build.stderr).toBe(0);
    await page.reload();
    await waitReady(page);
    // Made by the built-in emulator: up to date, and the page says they are placeholders.
    expect(await page.getByTestId("rig-status-hero").innerText()).toBe("ok · emulator placeholder");
    expect(await page.getByTestId("clip-status-goblin-action-2").innerText()).toBe("ok · emulator placeholder");
    // The build merged each character: the page loads that one file and plays its first clip.
    expect(await page.evaluate(() => window.__rigupPreview!.playing)).toEqual({ hero: "walking", goblin: "walking" });
    expect(await page.getByTestId("play-hero-walking").getAttribute("aria-pressed")).toBe("true");
    expect(errors).toEqual([]);
    await page.close();
    expect((await preview.stop()).code).toBe(0);
  });

  it("a --static export opened from disk says how to serve it", { timeout: 90_000 }, async () => {
    const game = await project();
    const build = await spawnRigup(["build", "--emulator"], { cwd: game.dir });
    expect(build.code, build.stderr).toBe(0);
    const exported = await spawnRigup(["preview", "--static", "site"], { cwd: game.dir });
    expect(exported.code, exported.stderr).toBe(0);

    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(path.join(game.dir, "site", "index.html")).href);
    const summary = page.getByTestId("summary");
    await expect.poll(() => summary.innerText(), { timeout: 10_000 }).toContain("Browsers do not run this page from disk");
    expect(await summary.innerText()).toContain(`python3 -m http.server -d '${path.join(game.dir, "site")}/'`);
    await page.close();
    // The command says so too.
    expect(exported.stderr).toContain("python3 -m http.server -d site");
  });
});
