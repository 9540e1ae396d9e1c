/**
 * Recording the check snapshot (check-snapshot.ts) after a full plan found
 * everything up to date: used by `rigup check` and by an up-to-date `rigup build`.
 * Records only what that plan saw, and only when nothing it read moved meanwhile.
 */
import path from "node:path";
import { configCandidates, contentHashes, readText, writeSnapshot } from "./check-snapshot.js";
import { CONFIG_SEARCH_PLACES } from "../config/load.js";
import { serializeLockfile } from "../lockfile/format.js";
import type { Project } from "./project.js";
import { DEFAULT_EXPIRY_WARNING_MS } from "../plan/words.js";
import { countUnstored } from "../lockfile/units.js";
import { hasChanges, type Facts, type Plan } from "../plan/types.js";

export class SnapshotRecorder {
  readonly #stats: Record<string, [number, number]> = {};
  readonly #candidates: string[];
  readonly #configBefore: Record<string, string | null>;

  /** Call before the project is opened: the config files are read again at the end and must not have moved. */
  constructor(
    private readonly key: string,
    private readonly stateDir: string,
    private readonly manifestFile: string,
    private readonly manifestText: string,
  ) {
    this.#candidates = configCandidates(path.dirname(manifestFile), CONFIG_SEARCH_PLACES);
    this.#configBefore = contentHashes(this.#candidates);
  }

  /** Pass to planProject: every file stat the facts rest on. */
  readonly onStat = (file: string, st: { size: number; mtimeMs: number }) => {
    this.#stats[file] = [st.size, st.mtimeMs];
  };

  /** Writes the snapshot when `plan` is all up to date with no warning and nothing it read has moved. */
  finish(project: Project, plan: Plan, facts: Facts): void {
    const { settings, lock } = project;
    if (hasChanges(plan) || plan.warnings.length > 0) return;
    // Outputs a failed upload left behind are work for the next build: it must not answer "No changes" unseen.
    if (settings.store && countUnstored(lock) > 0) return;
    // A JS config can read anything; only data configs are pinned by their bytes.
    if (settings.configFile && /\.(c|m)?(js|ts)$/.test(settings.configFile)) return;
    const lockText = readText(settings.lockfile);
    const lockMatches = lockText === undefined ? Object.keys(lock.characters).length === 0 : lockText === serializeLockfile(lock);
    const configAfter = contentHashes(this.#candidates);
    const configSteady = this.#candidates.every((c) => configAfter[c] === this.#configBefore[c]);
    if (!lockMatches || !configSteady || readText(this.manifestFile) !== this.manifestText) return;

    // A live rig's warning starts a window before it expires: the snapshot ends there. An expired rig draws none.
    const rigExpiries = Object.values(lock.characters).flatMap((c) =>
      c.rig?.expires_at && c.rig.expires_at > plan.now ? [c.rig.expires_at] : [],
    );
    const folders: Record<string, string[]> = {};
    for (const name of new Set([...project.resolved.characters.map((c) => c.name), ...Object.keys(lock.characters)])) folders[name] = [];
    for (const rel of Object.keys(facts.outputs).sort()) folders[rel.slice(0, rel.indexOf("/"))]?.push(rel);
    writeSnapshot(this.stateDir, {
      key: this.key,
      validUntil: Math.min(Number.MAX_SAFE_INTEGER, ...rigExpiries.map((t) => t - DEFAULT_EXPIRY_WARNING_MS)),
      upToDate: plan.steps.length,
      placeholders: Object.values(lock.characters)
        .flatMap((c) => [c.rig, ...Object.values(c.animations)])
        .filter((e) => e?.made_by === "emulator").length,
      outDir: settings.outDir,
      contents: { ...configAfter, ...contentHashes([settings.lockfile]) },
      stats: this.#stats,
      folders,
    });
  }
}
