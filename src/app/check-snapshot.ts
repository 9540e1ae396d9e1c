/**
 * The fast path of `rigup check`, the pre-build hook. After a full check finds
 * everything up to date, it records what that verdict rested on: the exact bytes
 * of the manifest, lockfile and every config file cosmiconfig could pick up, and
 * the size and mtime of every input and output the planner saw, with the file
 * list of each character's output folder. The next check verifies exactly that
 * with Node built-ins only (no YAML, zod or planner to load), and falls back to
 * the full check on any difference. Conservative by construction: a snapshot is
 * only written when its inputs did not move while the full check ran, and it
 * expires before any rig would start to draw an expiry warning.
 *
 * Only node: built-ins and fs/ primitives (which import nothing else) here, so the
 * fast path stays cheap to load.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { writeFileAtomicSync } from "../fs/atomic-write.js";
import { listFilesSync } from "../fs/list-files.js";

const SNAPSHOT_FILE = "check-snapshot.json";
const FORMAT = 2;

interface Snapshot {
  format: typeof FORMAT;
  /** Hash of what selects the project: rigup version, manifest path and bytes, path flags. */
  key: string;
  /** Unix ms after which the snapshot no longer holds (an expiry warning could start). */
  validUntil: number;
  upToDate: number;
  /** Units whose outputs the built-in emulator made: up to date for `check`, not for a real build. */
  placeholders: number;
  /** The output directory the folders are in (settings are pinned by `contents` and `key`). */
  outDir: string;
  /** sha256 of each file whose bytes the verdict depends on; null: the file must stay absent. */
  contents: Record<string, string | null>;
  /** [size, mtimeMs] of every input and output file the planner stat-ed. */
  stats: Record<string, [number, number]>;
  /** Each character's output folder: the sorted out-relative file list, as the planner saw it. */
  folders: Record<string, string[]>;
}

export interface SnapshotSelector {
  version: string;
  manifestFile: string;
  manifestText: string;
  /** Flags and environment that move the output dir or lockfile. */
  pathOverrides: Array<string | undefined>;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

export function snapshotKey(s: SnapshotSelector): string {
  return sha256(JSON.stringify([FORMAT, s.version, s.manifestFile, sha256(s.manifestText), s.pathOverrides]));
}

/** A file's text, or undefined when it cannot be read (missing files are data here, not errors). */
export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

export function contentHashes(files: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of files) {
    const bytes = readOrNull(f);
    out[f] = bytes === null ? null : sha256(bytes);
  }
  return out;
}

/** Where cosmiconfig may find a config for `manifestDir` (project strategy: up to the nearest package.json). */
export function configCandidates(manifestDir: string, searchPlaces: readonly string[]): string[] {
  const out: string[] = [];
  for (let dir = manifestDir; ; dir = path.dirname(dir)) {
    for (const place of searchPlaces) out.push(path.join(dir, place));
    if (statSync(path.join(dir, "package.json"), { throwIfNoEntry: false }) || path.dirname(dir) === dir) return out;
  }
}

/**
 * True when the snapshot in `stateDir` proves the project is still up to date.
 * Any error or difference answers false (run the full check).
 */
export function snapshotHolds(stateDir: string, key: string, now: number): { upToDate: number; placeholders: number } | undefined {
  try {
    const snap = JSON.parse(readFileSync(path.join(stateDir, SNAPSHOT_FILE), "utf8")) as Snapshot;
    if (snap.format !== FORMAT || snap.key !== key || !(now < snap.validUntil)) return undefined;
    const contents = contentHashes(Object.keys(snap.contents));
    for (const [file, hash] of Object.entries(snap.contents)) if (contents[file] !== hash) return undefined;
    for (const [folder, files] of Object.entries(snap.folders)) {
      const found = listFilesSync(snap.outDir, folder);
      if (found.length !== files.length || found.some((f, i) => f !== files[i])) return undefined;
    }
    for (const [file, [size, mtimeMs]] of Object.entries(snap.stats)) {
      const st = statSync(file, { throwIfNoEntry: false });
      if (!st || !st.isFile() || st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
    }
    return { upToDate: snap.upToDate, placeholders: snap.placeholders };
  } catch {
    return undefined;
  }
}

export type SnapshotRecord = Omit<Snapshot, "format">;

/**
 * Forgets the snapshot: a file that `verify` found changed kept its size and mtime,
 * which is all the snapshot compares.
 */
export function dropSnapshot(stateDir: string): void {
  rmSync(path.join(stateDir, SNAPSHOT_FILE), { force: true });
}

/** Best effort, atomic: a snapshot that cannot be written only costs the next check its fast path. */
export function writeSnapshot(stateDir: string, record: SnapshotRecord): void {
  try {
    mkdirSync(stateDir, { recursive: true });
    const file = path.join(stateDir, SNAPSHOT_FILE);
    writeFileAtomicSync(file, JSON.stringify({ format: FORMAT, ...record }));
  } catch {
    // The full check already answered; the snapshot is only an optimisation.
  }
}
