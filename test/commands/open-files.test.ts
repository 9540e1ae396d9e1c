/**
 * A big project under macOS's default `ulimit -n` (256): rigup bounds the files it holds open
 * while it checks, hashes and stats inputs and outputs, so no "cannot read ...: EMFILE" appears.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/diagnostics/errors.js";
import { glbBytes, pngBytes } from "../manifest/fixtures.js";
import { tempProject } from "../helpers/project.js";
import type { CliRun } from "../helpers/cli.js";
import { ROOT, TSX } from "../helpers/spawn.js";

const CHARACTERS = 300;

/** `rigup <args>` in a shell whose descriptor limit is 256. */
function runLimited(args: string[], cwd: string): Promise<CliRun> {
  const cli = [process.execPath, "--import", TSX, join(ROOT, "src/cli/bin.ts"), ...args].map((a) => `'${a}'`).join(" ");
  const child = spawn("bash", ["-c", `ulimit -n 256 && exec ${cli}`], {
    cwd,
    env: { ...process.env, CI: "true", NO_COLOR: "1", MESHY_API_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const limit = setTimeout(() => child.kill("SIGKILL"), 50_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(limit);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

describe("open files", () => {
  it(`plans ${CHARACTERS} characters with local models under ulimit -n 256`, { timeout: 60_000 }, async () => {
    const names = Array.from({ length: CHARACTERS }, (_, i) => `c${i}`);
    const project = await tempProject({
      "characters.yaml": `version: 1\ncharacters:\n${names.map((n) => `  ${n}: { model: models/${n}.glb, texture: textures/${n}.png }`).join("\n")}\n`,
    });
    for (const n of names) {
      await project.write(`models/${n}.glb`, glbBytes());
      await project.write(`textures/${n}.png`, pngBytes());
    }
    const run = await runLimited(["plan"], project.dir);
    expect(run.stderr).not.toContain("EMFILE");
    expect(run.code).toBe(EXIT.OK);
    expect(run.stderr).toContain(`Plan: ${CHARACTERS} to create`);
  });
});
