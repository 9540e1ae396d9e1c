/**
 * The CLI's top-level catch (cli/main.ts) is the last line of defence: whatever a command
 * throws reaches the user through text/redact.ts, signed-URL query strings included.
 */
import { describe, expect, it, vi } from "vitest";
import { UserError } from "../../src/diagnostics/errors.js";
import { StoreError } from "../../src/store/object-store.js";
import { runCli } from "../helpers/cli.js";

const SIGNED =
  "https://bucket.s3.amazonaws.com/hero.glb?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250101&X-Amz-Signature=deadbeef&X-Amz-Security-Token=tok";
const thrown: { error?: unknown } = {};

vi.mock("../../src/cli/commands/index.js", () => ({
  registerCommands: (program: import("commander").Command) => {
    program
      .command("boom")
      .option("--json")
      .action(() => {
        throw thrown.error;
      });
  },
}));

describe("the top-level catch", () => {
  it.each([
    ["an internal error", () => new Error(`cannot fetch ${SIGNED}: 403`)],
    ["a UserError", () => new UserError("DOWNLOAD_FAILED", `cannot fetch ${SIGNED}`, { hint: `retry ${SIGNED}` })],
    ["a StoreError", () => new StoreError("STORE_AUTH", `denied: ${SIGNED}`)],
  ])("prints %s without the signed URL's query string, on stderr and in --json", async (_what, make) => {
    for (const args of [["boom"], ["boom", "--json"]]) {
      thrown.error = make();
      const run = await runCli(args, { cwd: process.cwd(), env: { AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG" } });
      const all = run.stdout + run.stderr;
      expect(all).toContain("https://bucket.s3.amazonaws.com/hero.glb");
      expect(all).not.toMatch(/X-Amz|deadbeef|AKIAIOSFODNN7EXAMPLE|tok\b/);
      if (args.includes("--json") && run.stdout !== "") expect(() => JSON.parse(run.stdout)).not.toThrow();
    }
  });

  it("masks store credentials from the env", async () => {
    thrown.error = new Error("secret wJalrXUtnFEMI/K7MDENG leaked");
    const run = await runCli(["boom"], { cwd: process.cwd(), env: { AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG" } });
    expect(run.stderr).toContain("secret msy_*** leaked");
  });
});
