/**
 * Lockfile paths come from a file anyone can edit (or a merge gone wrong): before
 * reading or deleting one, make sure it stays inside the output directory.
 */
import { realpath } from "node:fs/promises";
import path from "node:path";

/**
 * The absolute path of out-relative `rel`, or undefined when it would leave `outDir`
 * (`..`, an absolute path, or a symlinked folder pointing elsewhere).
 */
export async function resolveInsideOut(outDir: string, rel: string): Promise<string | undefined> {
  const abs = path.resolve(outDir, rel);
  if (!isInside(outDir, abs)) return undefined;
  // The folders on the way may be symlinks: compare real locations of what exists.
  const [realOut, realParent] = await Promise.all([realpathOrSelf(outDir), realpathOrSelf(path.dirname(abs))]);
  return isInside(realOut, path.join(realParent, path.basename(abs))) ? abs : undefined;
}

function isInside(dir: string, abs: string): boolean {
  const rel = path.relative(dir, abs);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

/** The real path of the nearest existing ancestor, with the rest appended. */
async function realpathOrSelf(p: string): Promise<string> {
  const missing: string[] = [];
  let current = p;
  // Bounded by the path's depth: dirname of a root is the root.
  while (true) {
    try {
      return path.join(await realpath(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
