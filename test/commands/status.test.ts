/** `rigup status`: rig task, time to expiry, clip counts and what is out of date. Offline. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readLockfile } from "../../src/lockfile/read.js";
import { writeLockfile } from "../../src/lockfile/write.js";
import { runCli } from "../helpers/cli.js";
import { builtProject, MANIFEST, offlineEnv } from "./built.js";

const DAY = 24 * 3600 * 1000;

describe("rigup status", () => {
  it("shows each rig's short id, expiry in days, and the out-of-date clips", async () => {
    const { project } = await builtProject();
    const lockPath = join(project.dir, "characters.lock");
    const lock = await readLockfile(lockPath);
    // Half a day of slack either way so the day count does not depend on how long the test ran.
    lock.characters.hero!.rig!.expires_at = Date.now() + 12 * DAY - DAY / 2;
    lock.characters.goblin!.rig!.expires_at = Date.now() - 3 * DAY + DAY / 2;
    await writeLockfile(lockPath, lock);
    await project.write("characters.yaml", MANIFEST({ heroActions: "[0, 4, 8]" }));

    const r = await runCli(["status"], { cwd: project.dir, env: await offlineEnv() });
    expect(r.code).toBe(0);
    const heroId = lock.characters.hero!.rig!.task_id!.slice(0, 8);
    const goblinId = lock.characters.goblin!.rig!.task_id!.slice(0, 8);
    expect(r.stderr).toContain(`hero    rig ${heroId} (API v2)  expires in 12 days  clips: 2 up to date, 1 out of date`);
    expect(r.stderr).toContain("    hero/animations/action-8: create: new action 8 in characters.yaml");
    expect(r.stderr).toContain(
      `goblin  rig ${goblinId} (API v2)  expired 3 days ago: adding actions needs a re-rig  clips: 1 up to date, 0 out of date`,
    );

    const json = await runCli(["status", "--json"], { cwd: project.dir, env: await offlineEnv() });
    const status = JSON.parse(json.stdout);
    expect(status.characters.map((c: { name: string; clips: unknown; rigExpired: boolean }) => [c.name, c.clips, c.rigExpired])).toEqual([
      ["hero", { upToDate: 2, outOfDate: 1 }, false],
      ["goblin", { upToDate: 1, outOfDate: 0 }, true],
    ]);
    expect(status.characters[0].rigTaskId).toBe(lock.characters.hero!.rig!.task_id);
  });

  it("lists characters removed from the manifest as prunes", async () => {
    const { project } = await builtProject();
    await project.write("characters.yaml", MANIFEST({ goblin: false }));
    const r = await runCli(["status", "--json"], { cwd: project.dir, env: await offlineEnv() });
    const status = JSON.parse(r.stdout);
    expect(status.characters.map((c: { name: string }) => c.name)).toEqual(["hero"]);
    expect(status.removed.map((s: { key: string; action: string }) => `${s.action} ${s.key}`)).toEqual([
      "prune goblin/animations/swing",
      "prune goblin/rig",
      "prune goblin/merged",
    ]);
  });
});
