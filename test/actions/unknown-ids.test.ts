/**
 * An action id that is not in Meshy's library is an input error in `plan` and
 * `build`, before anything is spent: exit 3 at the manifest line, with the likely
 * intended actions. The library: the cache, refreshed weekly with a key; else the
 * snapshot shipped with rigup, so `plan` works offline and without a key.
 */
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SNAPSHOT } from "../../src/actions/snapshot.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { runCli } from "../helpers/cli.js";
import { tempProject, type TempProject } from "../helpers/project.js";
import { spawnRigup } from "../helpers/spawn.js";

const manifest = (actions: string) => `version: 1
characters:
  hero:
    model: models/hero.glb
    actions: ${actions}
`;

async function project(actions: string): Promise<TempProject> {
  const p = await tempProject({ "characters.yaml": manifest(actions) });
  await p.model("models/hero.glb");
  return p;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe("without a key, against the shipped snapshot", () => {
  it("`rigup plan` refuses `actions: [0, 99999]` with exit 3, naming file, line and the nearest ids", async () => {
    const p = await project("[0, 99999]");
    const r = await spawnRigup(["plan"], { cwd: p.dir });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`has 1 unknown action id (checked against the snapshot shipped with rigup, taken ${SNAPSHOT.taken})`);
    expect(r.stderr).toContain("on characters.yaml line 5, column 18, in characters.hero.actions[1]:");
    expect(r.stderr).toContain("action 99999 is not in Meshy's animation library");
    expect(r.stderr).toContain("Hint: the nearest ids are 696 (Walk_with_Walker_Support_inplace) and 695 (Walk_with_Umbrella_inplace)");
    expect(r.stdout).toBe("");

    // Real ids pass, offline; the check used no cache and made none.
    await p.write("characters.yaml", manifest("[0, 92, 696]"));
    const fixed = await spawnRigup(["plan"], { cwd: p.dir });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stderr).not.toMatch(/warning|unknown action/i);
    expect(await exists(join(p.dir, ".rigup/actions-cache.json"))).toBe(false);
  });

  it("suggests actions named like the entry's `name`, and reports every unknown id in one run (--json)", async () => {
    const p = await project("\n      - { action_id: 9999, name: reaping-swing }\n      - 4\n      - 332");
    const r = await runCli(["plan", "--json"], { cwd: p.dir });
    expect(r.code, r.stderr).toBe(3);
    const error = JSON.parse(r.stdout);
    expect(error).toMatchObject({ type: "error", code: "UNKNOWN_ACTION_ID" });
    expect(error.diagnostics).toMatchObject([
      {
        line: 6,
        column: 22,
        field: "characters.hero.actions[0].action_id",
        hint: expect.stringMatching(/^did you mean 99 \(Reaping_Swing\)\?/),
      },
      {
        line: 8,
        column: 9,
        field: "characters.hero.actions[2]",
        hint: expect.stringContaining("331 (Sumo_High_Pull) and 333 (Look_Around_Dumbfounded)"),
      },
    ]);
  });
});

describe("with a key, against Meshy (an emulator)", () => {
  let emulator: Emulator;
  let env: Record<string, string>;
  beforeEach(async () => {
    emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
    env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
  });
  afterEach(async () => {
    await emulator.close();
  });
  // Whichever API version the client speaks.
  const libraryGets = () =>
    Object.entries(emulator.stats().requests).reduce((n, [k, v]) => n + (/^GET \/openapi\/v\d+\/animations\/library$/.test(k) ? v : 0), 0);
  const posts = () =>
    Object.entries(emulator.stats().requests)
      .filter(([k]) => k.startsWith("POST"))
      .reduce((n, [, v]) => n + v, 0);

  it("`rigup build --yes` stops at the unknown id: exit 3, nothing sent, nothing spent", async () => {
    const p = await project("[0, 99999]");
    const r = await runCli(["build", "--yes"], { cwd: p.dir, env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("in characters.hero.actions[1]:");
    expect(posts()).toBe(0);
    expect(emulator.stats().tasksCreated).toEqual({ rig: 0, animation: 0 });
    expect(await exists(join(p.dir, "characters.lock"))).toBe(false);
  });

  it("`rigup plan` fetches the library once and caches it for a week; `rigup check` never asks", async () => {
    const p = await project("[0, 4]");
    expect((await runCli(["plan"], { cwd: p.dir, env })).code).toBe(0);
    expect(libraryGets()).toBe(1);
    const cache = JSON.parse(await readFile(join(p.dir, ".rigup/actions-cache.json"), "utf8"));
    expect(cache).toMatchObject({
      source: emulator.url,
      actions: expect.arrayContaining([expect.objectContaining({ action_id: 4, name: "Attack" })]),
    });
    expect((await runCli(["plan"], { cwd: p.dir, env })).code).toBe(0);
    expect((await runCli(["check"], { cwd: p.dir, env })).code).toBe(2);
    expect(libraryGets()).toBe(1);
  });

  it("an id missing from a fresh cache is looked up on the API before it is called unknown", async () => {
    const p = await project("[0, 466]");
    const old = SNAPSHOT.actions.filter((a) => a.action_id !== 466);
    await mkdir(join(p.dir, ".rigup"));
    await writeFile(
      join(p.dir, ".rigup/actions-cache.json"),
      JSON.stringify({ version: 1, source: emulator.url, fetched_at: Date.now(), actions: old }),
    );
    const r = await runCli(["plan"], { cwd: p.dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(libraryGets()).toBe(1);
    const cache = JSON.parse(await readFile(join(p.dir, ".rigup/actions-cache.json"), "utf8"));
    expect(cache.actions.some((a: { action_id: number }) => a.action_id === 466)).toBe(true);
  });
});
