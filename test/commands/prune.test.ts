/** `rigup prune`: dry run by default; --apply deletes outputs and retires lock entries (ids kept), never outside out/. */
import { access, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readLockfile } from "../../src/lockfile/read.js";
import { writeLockfile } from "../../src/lockfile/write.js";
import { runCli } from "../helpers/cli.js";
import { builtProject, MANIFEST, offlineEnv } from "./built.js";

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

describe("rigup prune", () => {
  it("dry-runs, then --apply deletes a removed character's files and folders, and retires its lock entries", async () => {
    const { project } = await builtProject();
    const env = await offlineEnv();
    await project.write("characters.yaml", MANIFEST({ goblin: false, heroActions: "[0]" }));
    await project.write("out/hero/animations/old-take.glb", "stray");
    await project.write("out/README.txt", "the user's own file");

    const dry = await runCli(["prune"], { cwd: project.dir, env });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain("would delete goblin/rig/goblin.glb");
    expect(dry.stderr).toContain("Run `rigup prune --apply`");
    expect(await exists(join(project.dir, "out/goblin/rig/goblin.glb"))).toBe(true);
    expect(Object.keys((await readLockfile(join(project.dir, "characters.lock"))).characters).sort()).toEqual(["goblin", "hero"]);

    const r = await runCli(["prune", "--apply", "--json"], { cwd: project.dir, env });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.applied).toBe(true);
    expect(result.lockEntries.sort()).toEqual(["goblin/animations/swing", "goblin/merged", "goblin/rig", "hero/animations/action-4"]);
    expect(result.deleted).toContain("hero/animations/old-take.glb");
    expect(result.removedDirs).toEqual(expect.arrayContaining(["goblin", "goblin/rig", "goblin/animations"]));

    expect(await readdir(join(project.dir, "out")).then((e) => e.sort())).toEqual(["README.txt", "hero"]);
    expect((await readdir(join(project.dir, "out/hero/animations"))).sort()).toEqual(["action-0.fbx", "action-0.glb"]);
    // Retired, not removed: the task ids paid for stay on record.
    const lock = await readLockfile(join(project.dir, "characters.lock"));
    expect(lock.characters.goblin!.rig!.state).toBe("retired");
    expect(lock.characters.goblin!.rig!.history?.length).toBe(1);
    expect(lock.characters.hero!.animations["action-4"]!.state).toBe("retired");
    expect(lock.characters.hero!.animations["action-0"]!.state).toBe("succeeded");
    // The hero's merged file still holds the pruned clip: a build makes it again, locally, with no key and no network.
    const stale = await runCli(["check"], { cwd: project.dir, env });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain("hero/merged: clips removed: action-4 (* merge)");
    const merged = await runCli(["build"], { cwd: project.dir, env: {} });
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/hero\/merged: 3 clips merged into hero\/hero\.glb/);
    // Nothing left: the manifest, lockfile and tree agree.
    expect((await runCli(["check"], { cwd: project.dir, env })).code).toBe(0);
    expect((await runCli(["prune"], { cwd: project.dir, env })).stderr).toContain("Nothing to prune.");
  });

  it("refuses a lockfile path that leaves the output directory", async () => {
    const { project } = await builtProject();
    const env = await offlineEnv();
    const victim = join(project.dir, "precious.txt");
    await writeFile(victim, "must survive");
    const lockPath = join(project.dir, "characters.lock");
    const lock = await readLockfile(lockPath);
    lock.characters.goblin!.rig!.files.glb!.path = "../precious.txt";
    lock.characters.goblin!.animations.swing!.files.glb!.path = "goblin/../../precious.txt";
    await writeLockfile(lockPath, lock);
    await project.write("characters.yaml", MANIFEST({ goblin: false }));

    const r = await runCli(["prune", "--yes", "--json"], { cwd: project.dir, env });
    expect(r.code).toBe(1);
    expect(await exists(victim)).toBe(true);
    const refused = JSON.parse(r.stdout)
      .items.flatMap((i: { refused: string[] }) => i.refused)
      .sort();
    expect(refused).toEqual(["../precious.txt", "goblin/../../precious.txt"]);
    expect(r.stderr).toContain("refused ../precious.txt: outside the output directory");
    // The rest of the removed character is gone all the same.
    expect(await exists(join(project.dir, "out/goblin/rig/goblin.fbx"))).toBe(false);
  });
});
