/**
 * The one guard between a path under the output folder and the file system.
 * Lockfile paths come from a file anyone can edit (or a merge gone wrong), and any
 * folder in the tree may be a symlink: before reading, writing or deleting, make
 * sure the real location stays inside the output folder.
 */
import { lstatSync, statSync } from "node:fs";
import { lstat, readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { EXIT, UserError } from "../diagnostics/errors.js";

/**
 * The absolute path of out-relative `rel`, or undefined when it would leave `outDir`:
 * `..`, an absolute path, or a symlink on the way (a folder or the file itself)
 * that leads elsewhere or nowhere.
 */
export async function resolveInsideOut(outDir: string, rel: string): Promise<string | undefined> {
  const abs = path.resolve(outDir, rel);
  if (!isInside(outDir, abs)) return undefined;
  const [realOut, real] = await Promise.all([realLocation(outDir), realLocation(abs)]);
  return realOut !== undefined && real !== undefined && isInside(realOut, real) ? abs : undefined;
}

/**
 * Throws UserError (exit 3) naming the first symlink under `outDir` that leads out of it.
 * A build checks this before it spends anything: every output it pays for would land there.
 */
export async function refuseLinksOutOf(outDir: string): Promise<void> {
  let entries;
  try {
    // Recursive readdir does not descend into symlinked folders: every link is seen, none followed.
    entries = await readdir(outDir, { recursive: true, withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  for (const link of entries.filter((e) => e.isSymbolicLink())) {
    const abs = path.join(link.parentPath, link.name);
    if (await resolveInsideOut(outDir, path.relative(outDir, abs))) continue;
    throw new UserError("OUT_LINK_OUTSIDE", `${abs} is a symlink that leads outside the output folder ${outDir}`, {
      diagnostics: [{ file: abs, message: "rigup writes only inside the output folder; nothing was sent or spent" }],
      hint: "remove the symlink, or point --out (config outDir) at the folder it leads to",
      exitCode: EXIT.INVALID_INPUT,
    });
  }
}

/**
 * Whether a file may be created by name in folder `dir` (absolute): `dir` is `outDir` or
 * really lies in it. The same answer as `resolveInsideOut` for a folder, cheaper for each
 * output written: one synchronous lstat per level below `outDir` (no realpath of the whole
 * path, no exception built for a folder not made yet); a symlink on the way is resolved.
 * Returns "missing" when part of `dir` is not made yet (mkdir makes it inside), false outside.
 */
export async function folderInsideOut(outDir: string, dir: string): Promise<"exists" | "missing" | false> {
  if (dir === outDir) return "exists";
  if (!isInside(outDir, dir)) return false;
  let current = outDir;
  for (const part of path.relative(outDir, dir).split(path.sep)) {
    current = path.join(current, part);
    const found = lstatSync(current, { throwIfNoEntry: false });
    if (found === undefined) return "missing";
    if (found.isSymbolicLink()) {
      if ((await resolveInsideOut(outDir, path.relative(outDir, dir))) === undefined) return false;
      // Past a link the walk cannot tell which levels exist: ask once, through the link.
      return statSync(dir, { throwIfNoEntry: false })?.isDirectory() ? "exists" : "missing";
    }
  }
  return "exists";
}

/**
 * Whether absolute `abs` lies strictly inside folder `dir`, by the paths alone (no
 * symlinks followed: resolveInsideOut does that). The one copy of this check.
 * @example isInside("/p/out", "/p/out/a.glb") // true; "/p/out" and "/p/outer/a" are not
 */
export function isInside(dir: string, abs: string): boolean {
  const rel = path.relative(dir, abs);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * The real path of the nearest existing ancestor, with the rest appended; undefined
 * when a symlink on the way cannot be resolved (dangling or looping): it leads
 * somewhere this cannot see.
 */
async function realLocation(p: string): Promise<string | undefined> {
  const missing: string[] = [];
  let current = p;
  // Each turn moves one folder up (dirname of a root is the root), or retries a folder another task just created.
  for (let turns = 2 * p.split(path.sep).length + 2; turns > 0; turns--) {
    try {
      return path.join(await realpath(current), ...missing.reverse());
    } catch {
      const found = await lstat(current).catch(() => undefined);
      if (found?.isSymbolicLink()) return undefined;
      if (found) continue;
      const parent = path.dirname(current);
      if (parent === current) return p;
      missing.push(path.basename(current));
      current = parent;
    }
  }
  return undefined;
}
