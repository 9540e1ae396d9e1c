/** `rigup check` and `rigup build --check`: offline, exit 0 when up to date, 2 with one line per problem. */
import { appendFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { builtProject, MANIFEST, offlineEnv } from "./built.js";

describe("rigup check", () => {
  it("exits 0 on a built project with the API unreachable, and build --check agrees", async () => {
    const { project, emulator } = await builtProject();
    const offline = await offlineEnv();
    const requestsBefore = emulator.stats().requests;
    for (const args of [["check"], ["build", "--check"]]) {
      const r = await runCli(args, { cwd: project.dir, env: offline });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("rigup check: 5 units up to date.");
      expect(r.stdout).toBe("");
    }
    expect(emulator.stats().requests).toEqual(requestsBefore);
    // Also with no key at all: check never needs one.
    expect((await runCli(["check"], { cwd: project.dir, env: {} })).code).toBe(0);
  });

  it("exits 2 with one line per unit: not built yet, missing file, hash mismatch", async () => {
    const { project } = await builtProject();
    const offline = await offlineEnv();
    await rm(join(project.dir, "out/hero/rig/hero.glb"));
    await appendFile(join(project.dir, "out/goblin/animations/swing.fbx"), "tampered");
    await project.write("characters.yaml", MANIFEST({ heroActions: "[0, 4, 92]" }));

    const r = await runCli(["check"], { cwd: project.dir, env: offline });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toContain("hero/animations/action-92: not built yet (+ create, 3 credits)");
    expect(lines).toContain("hero/rig: out/hero/rig/hero.glb missing (~ download)");
    expect(lines).toContain("goblin/animations/swing: out/goblin/animations/swing.fbx hash mismatch (~ download)");
    // The hero's merged file waits for its units; the goblin's is made again from the repaired clip.
    expect(lines).toContain("hero/merged: made again after the build, from its rig and clips as they will be (* merge)");
    expect(lines.at(-1)).toBe("rigup check: 5 of 8 units need `rigup build` (3 credits).");

    const same = await runCli(["build", "--check"], { cwd: project.dir, env: offline });
    expect(same.code).toBe(2);
    expect(same.stderr).toBe(r.stderr);
  });

  it("--json prints the report on stdout only", async () => {
    const { project } = await builtProject();
    await project.write("characters.yaml", MANIFEST({ heroHeight: 1.9 }));
    const r = await runCli(["check", "--json"], { cwd: project.dir, env: await offlineEnv() });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.items.map((i: { key: string; action: string }) => `${i.action} ${i.key}`)).toEqual([
      "replace hero/rig",
      "replace hero/animations/action-0",
      "replace hero/animations/action-4",
      "merge hero/merged",
    ]);
    expect(report.credits).toBe(5 + 2 * 3);
  });

  it("a fresh project with no lockfile needs a build", async () => {
    const project = await tempProject({ "characters.yaml": MANIFEST({ goblin: false }) });
    await project.model("models/hero.glb");
    const r = await runCli(["check"], { cwd: project.dir, env: await offlineEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("hero/rig: not built yet (+ create, 5 credits)");
  });
});
