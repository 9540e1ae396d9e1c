/**
 * The check snapshot's verdict (check-snapshot.ts), loading nothing but Node
 * built-ins and a few small modules: `hit` when the last full check's proof still
 * holds, else undefined (do the full work). `rigup check` and `rigup build` ask it
 * first; `recorder` then records the next proof when the full plan is up to date.
 */
import path from "node:path";
import { readText, snapshotHolds, snapshotKey } from "./check-snapshot.js";
import { locateManifest } from "./locate-manifest.js";
import type { ProjectOptions } from "./project.js";
import { VERSION } from "./version.js";

export interface SnapshotVerdict {
  manifestFile: string;
  manifestText?: string;
  stateDir: string;
  key?: string;
  hit?: { upToDate: number; placeholders: number };
}

export function snapshotVerdict(opts: ProjectOptions): SnapshotVerdict {
  const manifestFile = locateManifest(opts.cwd, opts.manifest);
  const manifestText = readText(manifestFile);
  const stateDir = path.join(path.dirname(manifestFile), ".rigup");
  const pathOverrides = [opts.flags?.outDir, opts.flags?.lockfile, opts.env.RIGUP_OUT_DIR, opts.cwd];
  const key = manifestText === undefined ? undefined : snapshotKey({ version: VERSION, manifestFile, manifestText, pathOverrides });
  const hit = key ? snapshotHolds(stateDir, key, Date.now()) : undefined;
  return { manifestFile, manifestText, stateDir, key, hit };
}

/** Records the next snapshot from a full plan (check-snapshot-record.ts); undefined when there is no key. */
export async function snapshotRecorder(v: SnapshotVerdict) {
  if (!v.key || v.manifestText === undefined) return undefined;
  const { SnapshotRecorder } = await import("./check-snapshot-record.js");
  return new SnapshotRecorder(v.key, v.stateDir, v.manifestFile, v.manifestText);
}
