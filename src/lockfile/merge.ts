/**
 * `rigup lock merge`: combine two lockfiles (the sides of a git conflict) so that
 * no task id either side paid for is lost.
 */
import { canonicalJson } from "../text/canonical-json.js";
import { hasConflictMarkers, parseConflicted, parseLockfile } from "./format.js";
import { LOCKFILE_VERSION, type CharacterLock, type Lockfile, type PastTask, type UnitEntry, type UnitState } from "./schema.js";
import { pastTaskOf } from "./units.js";

/** Which side's entry survives: the one further along; a failure is worth least. */
const RANK: Record<UnitState, number> = { succeeded: 4, pending: 3, unknown: 2, intent: 2, failed: 1, retired: 0 };

const byText = (a: unknown, b: unknown) => {
  const x = canonicalJson(a);
  const y = canonicalJson(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** > 0 when `a` should win. Total and antisymmetric, so merging is commutative. */
function compareUnits(a: UnitEntry, b: UnitEntry): number {
  return (
    RANK[a.state] - RANK[b.state] ||
    (a.created_at ?? a.intent_at) - (b.created_at ?? b.intent_at) ||
    a.intent_at - b.intent_at ||
    byText(a, b)
  );
}

/** One entry per task id (the fuller record), most recent first: every id either side paid for. */
function mergeHistory(items: PastTask[], currentTaskId: string | undefined): PastTask[] {
  const byId = new Map<string, PastTask>();
  for (const item of items) {
    if (item.task_id === currentTaskId) continue;
    const other = byId.get(item.task_id);
    byId.set(item.task_id, other && (Object.keys(other).length - Object.keys(item).length || byText(other, item)) > 0 ? other : item);
  }
  return [...byId.values()].sort((x, y) => (y.created_at ?? -1) - (x.created_at ?? -1) || (x.task_id < y.task_id ? -1 : 1));
}

function mergeUnit<T extends UnitEntry>(a: T | undefined, b: T | undefined): T | undefined {
  if (!a || !b) return structuredClone(a ?? b);
  const [winner, loser]: [T, T] = compareUnits(a, b) >= 0 ? [a, b] : [b, a];
  const merged = structuredClone(winner);
  // Same task on both sides: keep the files either side downloaded.
  if (winner.task_id && winner.task_id === loser.task_id) merged.files = { ...loser.files, ...winner.files };
  const loserTask = pastTaskOf(loser);
  const history = mergeHistory([...(winner.history ?? []), ...(loser.history ?? []), ...(loserTask ? [loserTask] : [])], winner.task_id);
  if (history.length) merged.history = history;
  else delete merged.history;
  return merged;
}

/**
 * Union of both lockfiles' units; where both have a unit, the more advanced
 * (then newer) entry wins and the other's task id moves into its history.
 */
export function mergeLockfiles(a: Lockfile, b: Lockfile): Lockfile {
  const characters: Record<string, CharacterLock> = {};
  const names = [...new Set([...Object.keys(a.characters), ...Object.keys(b.characters)])].sort();
  for (const name of names) {
    const x = a.characters[name];
    const y = b.characters[name];
    const character: CharacterLock = { animations: {} };
    const rig = mergeUnit(x?.rig, y?.rig);
    if (rig) character.rig = rig;
    const clips = [...new Set([...Object.keys(x?.animations ?? {}), ...Object.keys(y?.animations ?? {})])].sort();
    for (const clip of clips) character.animations[clip] = mergeUnit(x?.animations[clip], y?.animations[clip])!;
    // A merged file is free to make again: keep the one made from the surviving rig, else either (by text, so the merge commutes).
    const candidates = [x?.merged, y?.merged].filter((m) => m !== undefined).sort(byText);
    const merged = candidates.find((m) => m.inputs.rig === rig?.files.glb?.sha256) ?? candidates[0];
    if (merged) character.merged = structuredClone(merged);
    characters[name] = character;
  }
  return { lockfile_version: LOCKFILE_VERSION, characters };
}

/** Resolves a lockfile text holding git conflict markers (or parses a clean one). */
export function mergeLockfileText(text: string, file = "characters.lock"): Lockfile {
  if (!hasConflictMarkers(text)) return parseLockfile(text, file);
  const { ours, theirs } = parseConflicted(text, file);
  return mergeLockfiles(ours, theirs);
}
