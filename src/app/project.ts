/**
 * The I/O shell around the pure planner (like changesets' get-release-plan):
 * settings, manifest, lockfile and file facts in, a Plan out. Every command that
 * needs to know "what would a build do" goes through here.
 */
import { locateManifest } from "./locate-manifest.js";
import { loadManifest } from "../manifest/load.js";
import type { Manifest } from "../manifest/schema.js";
import type { ResolvedManifest } from "../manifest/resolve.js";
import { resolveSettings, type Settings } from "../config/load.js";
import { readLockfileSnapshot } from "../lockfile/read.js";
import { LockStore } from "../lockfile/store.js";
import type { Lockfile, Target } from "../lockfile/schema.js";
import { gatherFacts, type GatherFactsOptions } from "../scan/facts.js";
import { StatCache } from "../scan/stat-cache.js";
import { plan } from "../plan/plan.js";
import type { Facts, Plan } from "../plan/types.js";
import type { ObjectStore } from "../store/object-store.js";

export interface ProjectOptions {
  /** Manifest path as given (`-m`); without it, the nearest characters.yaml (locate-manifest.ts). */
  manifest?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Command-line overrides of config (out dir, lockfile, concurrency, ...). */
  flags?: Parameters<typeof resolveSettings>[0]["flags"];
}

export interface Project {
  settings: Settings;
  manifest: Manifest;
  resolved: ResolvedManifest;
  /** As read when the project was opened: read it, never change it (writers reopen it: `openLockStore`). */
  lock: Lockfile;
  /** The text `lock` was parsed from (undefined: no file). */
  lockText: string | undefined;
}

export async function openProject(opts: ProjectOptions): Promise<Project> {
  const manifestFile = locateManifest(opts.cwd, opts.manifest);
  const settings = await resolveSettings({ manifestFile, flags: opts.flags ?? {}, env: opts.env, cwd: opts.cwd });
  const { manifest, resolved } = await loadManifest(settings.manifestFile, { suggestAction });
  const { text, lock } = await readLockfileSnapshot(settings.lockfile);
  return { settings, manifest, resolved, lock, lockText: text };
}

/** "did you mean …?" from the library shipped with rigup, loaded only for a manifest that names an action by name. */
async function suggestAction(name: string): Promise<string | undefined> {
  const [{ SNAPSHOT }, { didYouMeanAction }] = await Promise.all([import("../actions/snapshot.js"), import("../actions/named-like.js")]);
  return didYouMeanAction(name, SNAPSHOT.actions);
}

/**
 * The lockfile as it is now, for a command that holds the writer lock and will change it. Another
 * process may have written it since the project was opened; unchanged, it is not parsed again.
 */
export function openLockStore(project: Project): Promise<LockStore> {
  return LockStore.open(project.settings.lockfile, { previous: { text: project.lockText, lock: project.lock } });
}

/** A rig, then its clips, then (after a re-rig) the rig again: three rounds answer every plan. */
const STORE_ROUNDS = 4;

export interface PlannedProject {
  plan: Plan;
  facts: Facts;
  statCache: StatCache;
}

/** Gathers facts (size/mtime checks; `verify` re-hashes everything) and plans. */
export async function planProject(
  project: Project,
  opts: {
    verify?: boolean;
    now?: number;
    lock?: Lockfile;
    onStat?: GatherFactsOptions["onStat"];
    replace?: readonly string[];
    target?: Target;
    /** Ask the team store what it holds, so the plan restores from it and adopts what the team paid for. */
    store?: ObjectStore;
    /** Objects taken as in the store without asking each (store/facts.ts `askStore`). */
    presumeStored?: ReadonlySet<string>;
  } = {},
): Promise<PlannedProject> {
  const { settings, resolved } = project;
  const lock = opts.lock ?? project.lock;
  const statCache = await StatCache.load(settings.stateDir);
  const facts: Facts = await gatherFacts({
    manifest: resolved,
    manifestDir: settings.manifestDir,
    outDir: settings.outDir,
    lock,
    statCache,
    verify: opts.verify ?? false,
    onStat: opts.onStat,
  });
  const input = { manifest: resolved, lock, facts, now: opts.now ?? Date.now(), replace: opts.replace, target: opts.target };
  let result = plan(input);
  if (opts.store) {
    const { askStore, emptyStoreFacts } = await import("../store/facts.js");
    const known = emptyStoreFacts();
    facts.store = known;
    result = plan(input);
    // Each answer can raise one more question (a rig found in the registry: then its clips): a few rounds at most.
    for (let round = 0; result.storeQuestions && round < STORE_ROUNDS; round++) {
      await askStore(opts.store, result.storeQuestions, known, { presume: opts.presumeStored });
      result = plan(input);
    }
    delete result.storeQuestions;
  }
  return { plan: result, facts, statCache };
}
