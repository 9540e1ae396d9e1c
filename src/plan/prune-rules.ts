/**
 * Rule 12: what is no longer wanted. Lock entries of removed characters and actions
 * are pruned with their recorded files; files in a character's rig/ or animations/
 * folder that nothing in the manifest wants are pruned as strays. Anything else in
 * the output directory (a README, the user's own folders) is never touched.
 */
import type { CharacterLock, Lockfile, UnitEntry } from "../lockfile/schema.js";
import { SAFE_SEGMENT } from "../manifest/schema.js";
import type { ResolvedManifest } from "../manifest/resolve.js";
import type { Facts, PlanStep } from "./types.js";

/** Reasons of prune steps (exported for tests and reporters). */
export const REMOVED_REASON = "no longer in characters.yaml";
export const STRAY_REASON =
  "not produced by anything in characters.yaml (left from a removed action or character, or a format no longer wanted)";

/** Every out-relative path the manifest's units want, and how many of them exist. */
export interface Wanted {
  paths: string[];
  present: number;
}

function pruneStep(key: string, character: string, kind: PlanStep["kind"], reason: string, paths: string[]): PlanStep {
  return { key, character, kind, action: "prune", reasons: [reason], credits: 0, missing: [], paths: paths.sort() };
}

const NO_OUTPUTS: Facts["outputs"] = {};

function recordedPaths(entry: UnitEntry, isWanted: (path: string) => boolean, claimed: Set<string>): string[] {
  const paths: string[] = [];
  for (const role in entry.files) {
    const path = entry.files[role]!.path;
    if (isWanted(path)) continue; // never delete what a unit of the manifest wants
    paths.push(path);
    claimed.add(path);
  }
  return paths;
}

/** Prune steps sorted by key. */
export function planPrune(manifest: ResolvedManifest, lock: Lockfile, facts: Facts, want: Wanted): PlanStep[] {
  // Built only when needed: a Set of every wanted path costs more than the rest of
  // pruning at 200,000 units (bench/plan-scale.ts).
  let wanted: ReadonlySet<string> | undefined;
  const isWanted = (path: string) => (wanted ??= new Set(want.paths)).has(path);
  const inManifest = new Map<string, Set<string>>();
  for (const c of manifest.characters) inManifest.set(c.name, new Set(c.actions.map((a) => a.name)));

  const steps: PlanStep[] = [];
  const claimed = new Set<string>();
  for (const [character, cl] of Object.entries(lock.characters) as [string, CharacterLock][]) {
    const actions = inManifest.get(character);
    // Retired units are already pruned: they only keep their task ids.
    if (actions === undefined && cl.rig !== undefined && cl.rig.state !== "retired") {
      steps.push(pruneStep(`${character}/rig`, character, "rig", REMOVED_REASON, recordedPaths(cl.rig, isWanted, claimed)));
    }
    for (const [name, entry] of Object.entries(cl.animations)) {
      if (actions?.has(name) || entry.state === "retired") continue;
      const s = pruneStep(
        `${character}/animations/${name}`,
        character,
        "animation",
        REMOVED_REASON,
        recordedPaths(entry, isWanted, claimed),
      );
      s.name = name;
      steps.push(s);
    }
  }

  const strays = new Map<string, string[]>();
  // When every output is wanted (the usual case) there is no stray to look for. Wanted
  // paths are distinct (layout.ts, unique action names), so equal counts mean equal sets.
  const allWanted = Object.keys(facts.outputs).length === want.present;
  for (const path in allWanted ? NO_OUTPUTS : facts.outputs) {
    if (claimed.has(path) || isWanted(path)) continue;
    const parts = path.split("/");
    const [character, dir, name] = parts;
    if (parts.length !== 3 || character === undefined || !SAFE_SEGMENT.test(character) || (dir !== "rig" && dir !== "animations")) continue;
    // rigup never names an output with a leading dot: a hidden file is someone else's (an editor's, the OS's, the user's).
    if (name!.startsWith(".")) continue;
    const list = strays.get(character);
    if (list) list.push(path);
    else strays.set(character, [path]);
  }
  // Stray files belong to no task; the step is keyed per character.
  for (const [character, paths] of strays) steps.push(pruneStep(`${character}/stray`, character, "rig", STRAY_REASON, paths));

  return steps.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
