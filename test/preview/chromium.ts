/**
 * The preview page in a real Chromium: Debian's /usr/bin/chromium, installed by
 * .ci/install-packages.sh, never a downloaded browser. Suites using it are
 * skipped only when /usr/bin/chromium is absent outside CI; in CI that fails.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const hasChromium = existsSync(CHROMIUM);
// CI installs chromium (.ci/run): there a missing browser is a failure, never a silent skip.
if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: .ci/install-packages.sh should have installed it`);

/** A suite title that says when and why it is skipped. */
export function chromiumTitle(title: string): string {
  if (hasChromium) return title;
  const skipped = `${title}: SKIPPED, ${CHROMIUM} not found (install it with .ci/install-packages.sh)`;
  console.warn(skipped);
  return skipped;
}

/** The page's test hooks (window.__rigupPreview, page/app-js.ts). */
export interface Hooks {
  ready: boolean;
  characters: string[];
  clips: Record<string, string[]>;
  /** The clip each character plays, by character name. */
  playing: Record<string, string>;
  /** Where each character's clips come from: its merged file, or the rig and one file per clip. */
  sources: Record<string, "merged" | "files">;
  errors: string[];
  play(character: string, clip: string): Promise<void>;
  /** The playing clip's name and `joint`'s world position `time` seconds into it. */
  pose(character: string, joint: string, time: number): { clip: string; position: [number, number, number] };
}
declare global {
  interface Window {
    __rigupPreview?: Hooks;
  }
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), "rigup-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** Uncaught errors and console errors. */
  errors: string[];
}

/** Opens the preview at `url` and waits until it has loaded every character (or reported an error). */
export async function openPreview(context: BrowserContext, url: string): Promise<OpenedPage> {
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  await page.goto(url);
  await waitReady(page);
  return { page, requests, errors };
}

export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__rigupPreview?.ready === true || (window.__rigupPreview?.errors.length ?? 0) > 0, null, {
    timeout: 30_000,
  });
}
