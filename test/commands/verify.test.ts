/** `rigup verify`: re-hash every output against the lockfile, ignoring the stat cache. */
import { open, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { builtProject, offlineEnv } from "./built.js";

describe("rigup verify", () => {
  it("passes on a built tree, then reports a missing file and a same-size, same-mtime corruption", async () => {
    const { project } = await builtProject();
    const env = await offlineEnv();
    expect((await runCli(["verify"], { cwd: project.dir, env })).code).toBe(0);

    // Overwrite one byte in place and restore the mtime: size and mtime match the stat cache.
    const file = join(project.dir, "out/hero/animations/action-0.glb");
    const before = await stat(file);
    const handle = await open(file, "r+");
    await handle.write(Buffer.from([0xff]), 0, 1, 100);
    await handle.close();
    await utimes(file, before.atime, before.mtime);
    await rm(join(project.dir, "out/goblin/rig/goblin.fbx"));

    const r = await runCli(["verify", "--json"], { cwd: project.dir, env });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    const bad = report.files.filter((f: { status: string }) => f.status !== "ok");
    expect(bad).toEqual([
      { path: "goblin/rig/goblin.fbx", unit: "goblin/rig", expected: expect.stringMatching(/^[0-9a-f]{64}$/), status: "missing" },
      {
        path: "hero/animations/action-0.glb",
        unit: "hero/animations/action-0",
        expected: expect.stringMatching(/^[0-9a-f]{64}$/),
        actual: expect.stringMatching(/^[0-9a-f]{64}$/),
        status: "mismatch",
      },
    ]);
    expect(bad[1].actual).not.toBe(bad[1].expected);
    expect(report.files.length).toBeGreaterThan(10);
    expect(r.stderr).toContain("goblin/rig/goblin.fbx: missing (goblin/rig)");
    expect(r.stderr).toMatch(/2 of \d+ files do not match characters.lock/);
  });
});
