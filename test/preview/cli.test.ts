/**
 * `rigup preview` end to end on a real project: built with `rigup build --emulator`,
 * then previewed through the command's own registration (the CLI index that
 * registers it belongs to another module).
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { Command } from "commander";
import { beforeEach, describe, expect, it } from "vitest";
import type { CliEnv } from "../../src/cli/env.js";
import { registerPreviewCommand } from "../../src/cli/commands/preview.js";
import type { PreviewModel } from "../../src/preview/index.js";
import { runCli } from "../helpers/cli.js";
import { tempProject, type TempProject } from "../helpers/project.js";

const MANIFEST = (height: number) => `version: 1
characters:
  hero:
    model: models/hero.glb
    height_meters: ${height}
    actions:
      - { action_id: 4, name: attack }
`;

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ "characters.yaml": MANIFEST(1.8) });
  await project.model("models/hero.glb", 1.8);
  const build = await runCli(["build", "--emulator", "--yes"], { cwd: project.dir });
  expect(build.stderr).toContain("Done");
  expect(build.code).toBe(0);
}, 60_000);

function preview(args: string[], onInterrupt: (handler: () => void) => void = () => {}) {
  const stderr = new PassThrough();
  let err = "";
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const ctx: CliEnv = {
    argv: [],
    env: { CI: "true", NO_COLOR: "1" },
    cwd: project.dir,
    stdout: new PassThrough(),
    stderr,
    isTTY: false,
    color: false,
    ci: true,
    signals: { onInterrupt: (handler) => (onInterrupt(handler), () => {}) },
  };
  let code: number | undefined;
  const program = new Command("rigup").exitOverride();
  registerPreviewCommand(program, ctx, (c) => (code = c));
  const done = program.parseAsync(["preview", ...args], { from: "user" }).then(() => code);
  return { done, stderr: () => err };
}

const statuses = (model: PreviewModel) =>
  model.characters.flatMap((c) => [[`${c.name}`, c.rig.status], ...c.clips.map((clip) => [`${c.name}/${clip.name}`, clip.status])]);

describe("rigup preview", () => {
  it("--static writes a preview of a fresh build, then marks what a manifest edit and a deleted file make stale and missing", async () => {
    const site = path.join(project.dir, "site");
    const first = preview(["--static", "site"]);
    expect(await first.done).toBe(0);
    expect(first.stderr()).toMatch(/Wrote the preview to site \(\d+ files\)/);
    const fresh = JSON.parse(await readFile(path.join(site, "preview.json"), "utf8")) as PreviewModel;
    expect(statuses(fresh)).toEqual([
      ["hero", "ok"],
      ["hero/rig/walking", "ok"],
      ["hero/rig/running", "ok"],
      ["hero/attack", "ok"],
    ]);
    expect(fresh.characters[0]!.clips[2]!.stats).toMatchObject({ joints: expect.any(Number), fps: expect.any(Number) });
    // Built with --emulator: every item says it is a placeholder.
    expect(fresh.characters[0]!.rig.madeBy).toBe("emulator");
    expect(fresh.characters[0]!.clips.every((c) => c.madeBy === "emulator")).toBe(true);
    await readFile(path.join(site, "files/hero/animations/attack.glb"));

    await project.write("characters.yaml", MANIFEST(1.6));
    await rm(path.join(project.dir, "out/hero/rig/running.glb"));
    expect(await preview(["--static", "site"]).done).toBe(0);
    const edited = JSON.parse(await readFile(path.join(site, "preview.json"), "utf8")) as PreviewModel;
    expect(statuses(edited)).toEqual([
      ["hero", "stale"],
      ["hero/rig/walking", "stale"],
      ["hero/rig/running", "missing"],
      ["hero/attack", "stale"],
    ]);
    expect(edited.characters[0]!.rig.reasons.join("\n")).toMatch(/height/);
  }, 60_000);

  it("serves on 127.0.0.1 until interrupted", async () => {
    let interrupt: (() => void) | undefined;
    const run = preview([], (handler) => (interrupt = handler));
    let url: string | undefined;
    for (let i = 0; i < 100 && !url; i++) {
      url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.stderr())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 50));
    }
    expect(url).toBeDefined();
    const model = (await (await fetch(new URL("preview.json", url))).json()) as PreviewModel;
    expect(model.characters.map((c) => c.name)).toEqual(["hero"]);
    expect(interrupt).toBeDefined();
    interrupt!();
    expect(await run.done).toBe(0);
    await expect(fetch(url!)).rejects.toThrow();
  }, 30_000);
});
