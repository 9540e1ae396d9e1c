/**
 * `rigup cache-key`: one hash of everything that determines the output tree, for
 * CI caches (`actions/cache` key: rigup-${{ steps.k.outputs.key }}). Built from
 * meaning, not text: the resolved manifest with local files by content (so
 * comments, key order, action order and the checkout path do not matter), the
 * lockfile's file hashes per unit (not task ids or times), and the layout version.
 */
import { rigInputs, animationInputs } from "../plan/digest.js";
import { digestOf } from "../text/canonical-json.js";
import { OUTPUT_LAYOUT_VERSION } from "../manifest/layout.js";
import { emptyLockfile, type Lockfile } from "../lockfile/schema.js";
import type { ResolvedManifest } from "../manifest/resolve.js";
import type { Facts } from "../plan/types.js";
import { gatherFacts } from "../scan/facts.js";
import { StatCache } from "../scan/stat-cache.js";
import { openProject, type ProjectOptions } from "./project.js";

export interface CacheKey {
  /** sha256 hex of the parts. */
  key: string;
  parts: {
    layoutVersion: number;
    /** sha256 of the resolved manifest. */
    manifest: string;
    /** sha256 of the lockfile's output files (path and sha256 per unit). */
    outputs: string;
  };
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The cache key of the project `opts` selects: its input files hashed (through the stat cache), no output. */
export async function projectCacheKey(opts: ProjectOptions): Promise<CacheKey> {
  const project = await openProject(opts);
  const { settings } = project;
  const statCache = await StatCache.load(settings.stateDir);
  // Only input hashes are needed: an empty lock makes the scan hash no output.
  const facts = await gatherFacts({
    manifest: project.resolved,
    manifestDir: settings.manifestDir,
    outDir: settings.outDir,
    lock: emptyLockfile(),
    statCache,
    verify: false,
  });
  await statCache.save();
  return cacheKey(project.resolved, project.lock, facts);
}

/** `facts.inputs` must hold the sha256 of every local model and texture. */
export function cacheKey(manifest: ResolvedManifest, lock: Lockfile, facts: Pick<Facts, "inputs">): CacheKey {
  const withFacts = { inputs: facts.inputs, outputs: {} };
  const resolved = {
    formats: [...manifest.formats].sort(),
    characters: [...manifest.characters].sort(byName).map((c) => ({
      name: c.name,
      rig: rigInputs(c, withFacts),
      actions: [...c.actions].sort(byName).map((a) => ({ name: a.name, ...animationInputs(a) })),
      ...(c.merge && { merge: c.merge }),
    })),
  };
  const outputs = Object.keys(lock.characters)
    .sort()
    .map((name) => {
      const c = lock.characters[name]!;
      const files = (entry: { files: Record<string, { path: string; sha256: string }> } | undefined) =>
        Object.values(entry?.files ?? {})
          .map((f) => [f.path, f.sha256])
          .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
      const out = {
        name,
        rig: files(c.rig),
        animations: Object.keys(c.animations)
          .sort()
          .map((n) => ({ name: n, files: files(c.animations[n]) })),
      };
      // Absent, not null, without one: keys of trees from before merged files stay the same.
      return c.merged ? { ...out, merged: [c.merged.file.path, c.merged.file.sha256] } : out;
    });
  const parts = { layoutVersion: OUTPUT_LAYOUT_VERSION, manifest: digestOf(resolved), outputs: digestOf(outputs) };
  return { key: digestOf(parts), parts };
}
