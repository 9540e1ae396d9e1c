/**
 * The page in a real Chromium (Debian's /usr/bin/chromium, installed by
 * .ci/install-packages.sh; never downloaded), both as served by `rigup preview`
 * and as a `--static` export under a sub-path of a plain static server.
 * Skipped only when /usr/bin/chromium is absent outside CI; in CI that fails.
 */
import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HUMANOID_JOINTS } from "../../src/gltf/humanoid.js";
import { readMergeInputs } from "../../src/merge/inputs.js";
import { mergeSources } from "../../src/manifest/layout.js";
import { mergeCharacter } from "../../src/merge/merge-character.js";
import { mergedOutput } from "../../src/manifest/layout.js";
import { contentType } from "../../src/preview/assets.js";
import { buildPreviewModel } from "../../src/preview/index.js";
import { startPreviewServer, type PreviewServer } from "../../src/preview/server.js";
import { writeStaticPreview } from "../../src/preview/static.js";
import { chromiumTitle, hasChromium, launchChromium, openPreview, type Browser } from "./chromium.js";
import { exampleTree, FAILED_MESSAGE, STALE_REASON, type ExampleTree } from "./fixture.js";

/** A plain static file server for the export, mounted under a sub-path as an artifact browser would. */
const STATIC_PREFIX = "/artifacts/run-1/preview/";
function serveStatic(dir: string): Server {
  return createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://127.0.0.1");
    const rel = pathname.startsWith(STATIC_PREFIX) ? decodeURIComponent(pathname.slice(STATIC_PREFIX.length)) || "index.html" : null;
    const file = rel === null ? null : path.join(dir, rel);
    if (!file || !file.startsWith(dir + path.sep)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) => res.writeHead(200, { "Content-Type": contentType(file) }).end(body),
      () => res.writeHead(404).end(),
    );
  });
}

describe.skipIf(!hasChromium)(chromiumTitle("preview page in Chromium"), () => {
  let tree: ExampleTree;
  let server: PreviewServer;
  let staticServer: Server;
  let staticUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    tree = await exampleTree();
    const model = await buildPreviewModel(tree.project, tree.plan);
    server = await startPreviewServer({ outDir: tree.outDir, loadModel: async () => model });
    const site = path.join(tree.dir, "site");
    await writeStaticPreview({ outDir: tree.outDir, model, dir: site });
    staticServer = serveStatic(site);
    await new Promise<void>((resolve) => staticServer.listen(0, "127.0.0.1", resolve));
    staticUrl = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}${STATIC_PREFIX}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => (staticServer ? staticServer.close(resolve) : resolve(undefined)));
    await tree?.remove();
  });

  // URLs exist only once beforeAll has run.
  const targets: Record<string, () => string> = { "served by rigup preview": () => server.url, "exported with --static": () => staticUrl };

  it.each(Object.keys(targets))(
    "lists, describes and plays every clip: %s",
    async (target) => {
      const url = targets[target]!();
      const { page, requests, errors } = await openPreview(browser.context, url);
      try {
        const hooks = await page.evaluate(() => {
          const h = window.__rigupPreview!;
          return { characters: h.characters, clips: h.clips, errors: h.errors, playing: h.playing };
        });
        expect(hooks).toEqual({
          characters: ["knight", "goblin"],
          clips: { knight: ["rig/walking", "attack"], goblin: ["rig/walking", "idle", "death"] },
          errors: [],
          // Each character plays its first clip on load, not its bind pose.
          playing: { knight: "rig/walking", goblin: "rig/walking" },
        });
        for (const [character, clips] of Object.entries(hooks.clips)) {
          await expect(page.getByTestId(`card-${character}`).isVisible()).resolves.toBe(true);
          for (const clip of clips) expect(await page.getByTestId(`clip-${character}-${clip}`).count()).toBe(1);
        }
        const text = (id: string) => page.getByTestId(id).innerText();
        expect(await text("clip-stats-goblin-idle")).toBe(`2.00 s · 24 fps · ${HUMANOID_JOINTS.length} joints`);
        expect(await text("clip-stats-knight-attack")).toBe(`1.60 s · 30 fps · ${HUMANOID_JOINTS.length} joints`);
        expect(await text("clip-status-knight-attack")).toBe("stale");
        expect(await text("clip-knight-attack")).toContain(STALE_REASON);
        expect(await text("clip-status-goblin-death")).toBe("failed");
        expect(await text("clip-goblin-death")).toContain(FAILED_MESSAGE);
        expect(await page.getByTestId("play-goblin-death").isDisabled()).toBe(true);

        // Play by clicking, as a user would; the pose must change while it plays.
        const view = page.getByTestId("view-knight");
        await view.scrollIntoViewIfNeeded();
        await page.waitForTimeout(300);
        const walking = await view.screenshot();
        await page.getByTestId("play-knight-attack").click();
        await page.waitForFunction(() => window.__rigupPreview?.playing.knight === "attack", null, { timeout: 10_000 });
        await page.waitForTimeout(400);
        const first = await view.screenshot();
        await page.waitForTimeout(400);
        const second = await view.screenshot();
        expect(first.equals(walking)).toBe(false);
        expect(first.equals(second)).toBe(false);
        expect(await page.getByTestId("play-knight-attack").getAttribute("aria-pressed")).toBe("true");

        // The test hook plays too.
        await page.evaluate(() => window.__rigupPreview!.play("goblin", "idle"));
        expect(await page.evaluate(() => window.__rigupPreview!.playing)).toEqual({ knight: "attack", goblin: "idle" });

        expect(errors).toEqual([]);
        // Nothing outside the page's own base URL: no CDN, no absolute path escaping the static sub-path.
        const outside = requests.filter((r) => !r.startsWith(url) && !/^(data|blob):/.test(r));
        expect(outside).toEqual([]);
        expect(requests.some((r) => r.endsWith("/files/knight/animations/attack.glb"))).toBe(true);
        expect(requests.some((r) => r.includes("/vendor/three/build/three.module.js"))).toBe(true);
      } finally {
        await page.close();
      }
    },
    90_000,
  );
});

describe.skipIf(!hasChromium)(chromiumTitle("preview page in Chromium, a merged character"), () => {
  let tree: ExampleTree;
  let server: PreviewServer;
  let browser: Browser;

  beforeAll(async () => {
    tree = await exampleTree();
    // The knight merged into one file, meshopt-compressed (the page needs the decoder); the fixture's rigs have no running clip.
    const knight = tree.project.resolved.characters.find((c) => c.name === "knight")!;
    const inputs = mergeSources("knight", knight.actions);
    const { rig, clips } = await readMergeInputs(tree.outDir, { ...inputs, clips: inputs.clips.filter((c) => c.name !== "running") });
    const { glb } = await mergeCharacter(rig, clips, { rootMotion: "keep", resample: true, meshopt: true });
    await writeFile(path.join(tree.outDir, mergedOutput("knight")), glb);
    const model = await buildPreviewModel(tree.project, tree.plan);
    expect(model.characters.map((c) => c.merged)).toEqual(["knight/knight.glb", undefined]);
    server = await startPreviewServer({ outDir: tree.outDir, loadModel: async () => model });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await tree?.remove();
  });

  it("loads the merged file once, lists the clips it holds, and plays two of them", async () => {
    const { page, requests, errors } = await openPreview(browser.context, server.url);
    try {
      const hooks = await page.evaluate(() => {
        const h = window.__rigupPreview!;
        return { clips: h.clips, sources: h.sources, playing: h.playing, errors: h.errors };
      });
      expect(hooks).toEqual({
        clips: { knight: ["walking", "attack"], goblin: ["rig/walking", "idle", "death"] },
        sources: { knight: "merged", goblin: "files" },
        playing: { knight: "walking", goblin: "rig/walking" },
        errors: [],
      });
      const text = (id: string) => page.getByTestId(id).innerText();
      expect(await text("merged-knight")).toBe("knight/knight.glb");
      expect(
        await page
          .getByTestId("clips-knight")
          .locator("li[data-clip]")
          .evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.clip)),
      ).toEqual(["walking", "attack"]);
      expect(await text("clip-stats-knight-attack")).toBe("1.60 s");
      // Each clip keeps the status of the file it came from.
      expect(await text("clip-status-knight-attack")).toBe("stale");
      expect(await text("clip-status-knight-walking")).toBe("ok");

      // The walk moves the feet...
      const walk = await page.evaluate(() => [0.1, 0.4].map((t) => window.__rigupPreview!.pose("knight", "LeftFoot", t)));
      expect(walk.map((p) => p.clip)).toEqual(["walking", "walking"]);
      expect(distance(walk[0]!.position, walk[1]!.position)).toBeGreaterThan(0.05);
      // ...and, picked in the list, the attack swings the right hand.
      await page.getByTestId("play-knight-attack").click();
      await page.waitForFunction(() => window.__rigupPreview?.playing.knight === "attack", null, { timeout: 10_000 });
      expect(await page.getByTestId("play-knight-attack").getAttribute("aria-pressed")).toBe("true");
      const attack = await page.evaluate(() => [0.4, 1.2].map((t) => window.__rigupPreview!.pose("knight", "RightHand", t)));
      expect(attack.map((p) => p.clip)).toEqual(["attack", "attack"]);
      expect(distance(attack[0]!.position, attack[1]!.position)).toBeGreaterThan(0.05);

      // One load for the knight: its merged file, never its rig or clip files.
      expect(requests.filter((r) => r.endsWith("/files/knight/knight.glb"))).toHaveLength(1);
      expect(requests.filter((r) => /\/files\/knight\/(rig|animations)\//.test(r))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);
});

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(...a.map((v, i) => v - b[i]!));
}
