/**
 * Which manifest a command works on. `-m FILE` is taken as given. Without it,
 * rigup looks for characters.yaml in the current folder, then in each folder
 * above, as git looks for its repository, so it works from anywhere in a game
 * repo. The search stops at the repository root (a folder holding `.git`): a
 * manifest above it belongs to another project. Built-ins only, synchronous:
 * `rigup check`'s fast path runs it.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { UserError } from "../diagnostics/errors.js";

export const MANIFEST_NAME = "characters.yaml";

/** @returns the manifest's absolute path. @throws UserError MANIFEST_NOT_FOUND when no folder up to the root has one. */
export function locateManifest(cwd: string, given?: string): string {
  if (given !== undefined) return path.resolve(cwd, given);
  const start = path.resolve(cwd);
  // Bounded by the depth of `start`: the parent of the root is the root.
  for (let dir = start; ; dir = path.dirname(dir)) {
    const file = path.join(dir, MANIFEST_NAME);
    if (existsSync(file)) return file;
    const repoRoot = existsSync(path.join(dir, ".git"));
    if (repoRoot || path.dirname(dir) === dir) {
      const where = dir === start ? start : `${start} or any folder above it up to ${repoRoot ? `the repository root ${dir}` : dir}`;
      throw new UserError("MANIFEST_NOT_FOUND", `no ${MANIFEST_NAME} in ${where}`, {
        hint: `run \`rigup init\` to create one here, or name the manifest with \`-m path/to/${MANIFEST_NAME}\``,
      });
    }
  }
}
