/**
 * What the pack tests start from: a copy of this checkout as a clone has it (no
 * dist/, no node_modules), outside the source tree, and a shell to run npm in it.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { shellEnv } from "../helpers/spawn.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// What the package is built from (a copy keeps the pack's build out of the shared dist/).
const SOURCES = ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "README.md", "bin", "src", "schemas"];

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/**
 * A clone's files in a temp dir, plus `extra` entries (e.g. examples). With `linkModules`,
 * node_modules is this checkout's (as `npm ci` would install it, for tests that only pack).
 */
export async function sourceCopy(opts: { extra?: string[]; linkModules?: boolean } = {}): Promise<string> {
  const src = await tempDir("rigup-pack-src-");
  for (const entry of [...SOURCES, ...(opts.extra ?? [])]) {
    await cp(join(ROOT, entry), join(src, entry), {
      recursive: true,
      // Build leftovers of the examples are not in a clone (.gitignore).
      filter: (from) => !/[/\\]examples[/\\](.*[/\\])?(out|\.rigup|characters\.lock)$/.test(from),
    });
  }
  if (opts.linkModules) await symlink(join(ROOT, "node_modules"), join(src, "node_modules"), "dir");
  return src;
}

/** Runs a command as a user's shell would (CI mode, no colour); never throws. */
export function sh(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: shellEnv({ CI: "true", NO_COLOR: "1" }), maxBuffer: 32 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}
