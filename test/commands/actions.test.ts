/** `rigup actions`: the library as a table, cached on disk, refetched when stale, stale cache on failure. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { runCli } from "../helpers/cli.js";
import { tempProject, type TempProject } from "../helpers/project.js";
import { offlineEnv } from "./built.js";

let emulator: Emulator;
let project: TempProject;
let env: Record<string, string>;
beforeEach(async () => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  project = await tempProject({ "characters.yaml": "version: 1\ncharacters: {}\n" });
  env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
});
afterEach(async () => {
  await emulator.close();
});

// Whichever API version the client speaks.
const libraryGets = () =>
  Object.entries(emulator.stats().requests).reduce((n, [k, v]) => n + (/^GET \/openapi\/v\d+\/animations\/library$/.test(k) ? v : 0), 0);
const cacheFile = () => join(project.dir, ".rigup/actions-cache.json");

describe("rigup actions", () => {
  it("prints a table on stdout, filtered, and serves the second run from the cache", async () => {
    const r = await runCli(["actions", "run"], { cwd: project.dir, env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^\s*id\s+name\s+category\s+sub-category$/);
    expect(lines.slice(1).every((l) => /run/i.test(l))).toBe(true);
    expect(r.stdout).toMatch(/^\s*16\s+RunFast\s+WalkAndRun\s+Running$/m);
    expect(libraryGets()).toBe(1);
    const cache = JSON.parse(await readFile(cacheFile(), "utf8"));
    expect(cache.source).toBe(emulator.url);
    expect(cache.actions.length).toBeGreaterThan(lines.length - 1);

    const cached = await runCli(["actions", "--category", "fighting", "--json"], { cwd: project.dir, env });
    expect(libraryGets()).toBe(1);
    const json = JSON.parse(cached.stdout);
    expect(json.from).toBe("cache");
    expect(json.actions.length).toBeGreaterThan(0);
    expect(json.actions.every((a: { category: string }) => a.category === "Fighting")).toBe(true);
    expect(cached.stderr).not.toContain(emulator.apiKey);

    await runCli(["actions", "--refresh"], { cwd: project.dir, env });
    expect(libraryGets()).toBe(2);
  });

  it("refetches a cache older than 7 days, and uses it with a warning when the fetch fails", async () => {
    await runCli(["actions"], { cwd: project.dir, env });
    const cache = JSON.parse(await readFile(cacheFile(), "utf8"));
    cache.fetched_at = Date.now() - 8 * 24 * 3600 * 1000;
    await writeFile(cacheFile(), JSON.stringify(cache));

    const offline = { ...(await offlineEnv()), MESHY_API_BASE: emulator.url };
    await emulator.close(); // the service is now unreachable at the cached source's address
    const stale = await runCli(["actions", "--json"], { cwd: project.dir, env: offline });
    expect(stale.code, stale.stderr).toBe(0);
    expect(stale.stderr).toMatch(/warning: could not refresh the library .*; using the list from \d{4}-\d\d-\d\d/);
    expect(JSON.parse(stale.stdout).from).toBe("cache");

    emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
    const fresh = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
    // A different API base is another service: its list is fetched, not the old one reused.
    const r = await runCli(["actions", "--json"], { cwd: project.dir, env: fresh });
    expect(JSON.parse(r.stdout).from).toBe("network");
    expect(libraryGets()).toBe(1);
  });

  it("without a manifest caches in the user cache dir; --emulator needs no key", async () => {
    const empty = await tempProject();
    const cacheHome = join(empty.dir, "xdg");
    const r = await runCli(["actions", "--emulator", "idle"], { cwd: empty.dir, env: { XDG_CACHE_HOME: cacheHome, HOME: empty.dir } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s*0\s+Idle\s+DailyActions\s+Idle$/m);
    const cache = JSON.parse(await readFile(join(cacheHome, "rigup/actions-cache.json"), "utf8"));
    expect(cache.source).toBe("emulator");
  });

  it("asks for a key to --refresh", async () => {
    const r = await runCli(["actions", "--refresh"], { cwd: project.dir, env: {} });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("no Meshy API key");
  });
});
