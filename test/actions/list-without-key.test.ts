/** `rigup actions` without an API key: from the cache, else the snapshot shipped with rigup, saying which on stderr. */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SNAPSHOT } from "../../src/actions/snapshot.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { spawnRigup } from "../helpers/spawn.js";

const DAY = 24 * 3600 * 1000;

describe("rigup actions without a key", () => {
  it("lists the snapshot shipped with rigup and says so, with its date", async () => {
    const p = await tempProject({ "characters.yaml": "version: 1\ncharacters: {}\n" });
    const r = await spawnRigup(["actions", "combo"], { cwd: p.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s*92\s+Double_Combo_Attack\s+Fighting\s+AttackingwithWeapon$/m);
    expect(r.stderr).toContain(
      `of ${SNAPSHOT.actions.length} actions, from the snapshot shipped with rigup (taken ${SNAPSHOT.taken}); set MESHY_API_KEY to fetch the current library.`,
    );

    const json = await runCli(["actions", "--json"], { cwd: p.dir });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ from: "snapshot", snapshot_taken: SNAPSHOT.taken, actions: expect.any(Array) });
    expect(JSON.parse(json.stdout).actions).toHaveLength(SNAPSHOT.actions.length);
  });

  it("lists the cache when there is one, and says so, with its age", async () => {
    const p = await tempProject({ "characters.yaml": "version: 1\ncharacters: {}\n" });
    await mkdir(join(p.dir, ".rigup"));
    const cached = [{ action_id: 0, name: "Idle", category: "DailyActions", sub_category: "Idle" }];
    await writeFile(
      join(p.dir, ".rigup/actions-cache.json"),
      JSON.stringify({ version: 1, source: "https://api.meshy.ai", fetched_at: Date.now() - 3 * DAY, actions: cached }),
    );
    const r = await runCli(["actions"], { cwd: p.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(r.stderr).toContain(`1 of 1 actions, from the cache (${join(p.dir, ".rigup/actions-cache.json")}, fetched 3 days ago).`);
  });
});
