/**
 * A store that fails, as the command line reports it: plan and build, which work without a
 * store, offer `--no-store` for one run; pull, push and verify --store, which exist to use
 * it, say to fix it (push in its summary), and refuse `--no-store` as a usage error.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/diagnostics/errors.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";

const MANIFEST = "version: 1\ndefaults:\n  formats: [glb]\ncharacters:\n  knight:\n    model: models/knight.glb\n    actions: [0]\n";

async function projectWithLostStore() {
  const project = await tempProject({ "characters.yaml": MANIFEST, "rigup.config.yaml": "store: ./no-such-share\n" });
  await project.model("models/knight.glb");
  return project;
}

describe("a store folder that is not there", () => {
  it.each([["plan"], ["build", "--emulator"]])("rigup %s offers --no-store for this once", async (...args) => {
    const project = await projectWithLostStore();
    const run = await runCli(args, { cwd: project.dir });
    expect(run.code).toBe(EXIT.FAILURE);
    expect(run.stderr).toContain(`Error: ${join(project.dir, "no-such-share")}: the store folder does not exist`);
    expect(run.stderr).toContain("Hint: nothing was paid. Fix the store, or run with --no-store to work without it this once");
  });

  it("rigup pull, push and verify --store say to fix the store, not to leave it out", async () => {
    const project = await projectWithLostStore();
    // Something recorded to restore, upload and check: built once without the store.
    expect((await runCli(["build", "--emulator", "--no-store"], { cwd: project.dir })).code).toBe(EXIT.OK);
    for (const args of [["push"], ["verify", "--store"], ["pull"]]) {
      // A pull into a tree that has every output never asks the store.
      if (args[0] === "pull") await rm(join(project.dir, "out"), { recursive: true });
      const run = await runCli(args, { cwd: project.dir });
      expect(run.code, args.join(" ")).toBe(EXIT.FAILURE);
      expect(run.stderr).toContain("the store folder does not exist");
      // push reports a failed upload in its own summary; the others stop at the store's error.
      if (args[0] !== "push") {
        expect(run.stderr).toContain("Hint: nothing was paid. Fix the store (its address, credentials or network) and run again.");
      }
      expect(run.stderr).not.toContain("--no-store");
    }
  });

  it.each(["pull", "push"])("rigup %s --no-store is a usage error", async (command) => {
    const project = await projectWithLostStore();
    const run = await runCli([command, "--no-store"], { cwd: project.dir });
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).toContain("error: unknown option '--no-store'");
  });
});
