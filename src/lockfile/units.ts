/** Addressing units inside a Lockfile, and the history rule both the store and merge follow. */
import type { TaskKind } from "../meshy/schemas.js";
import {
  type AnimationEntry,
  type FileRecord,
  type Lockfile,
  type PastTask,
  type RigEntry,
  type Target,
  type UnitEntry,
} from "./schema.js";

/** `<character>/rig` or `<character>/animations/<name>`, as plan steps key them. */
export function unitKey(character: string, kind: TaskKind, name?: string): string {
  return kind === "rig" ? `${character}/rig` : `${character}/animations/${requireName(name)}`;
}

function requireName(name: string | undefined): string {
  if (name === undefined) throw new Error("bug: an animation unit needs a name");
  return name;
}

export function getUnit(lock: Lockfile, character: string, kind: TaskKind, name?: string): UnitEntry | undefined {
  const c = lock.characters[character];
  return kind === "rig" ? c?.rig : c?.animations[requireName(name)];
}

export function setUnit(lock: Lockfile, character: string, kind: TaskKind, name: string | undefined, entry: UnitEntry): void {
  const c = (lock.characters[character] ??= { animations: {} });
  if (kind === "rig") c.rig = entry as RigEntry;
  else c.animations[requireName(name)] = entry as AnimationEntry;
}

/** Removes a unit, and its character once nothing is left. Returns whether it existed. */
export function deleteUnit(lock: Lockfile, character: string, kind: TaskKind, name?: string): boolean {
  const c = lock.characters[character];
  if (!c) return false;
  let existed: boolean;
  if (kind === "rig") {
    existed = c.rig !== undefined;
    delete c.rig;
  } else {
    existed = requireName(name) in c.animations;
    delete c.animations[name!];
  }
  dropIfEmpty(lock, character);
  return existed;
}

/** Forgets a character's merged file, and the character once nothing is left. */
export function deleteMerged(lock: Lockfile, character: string): void {
  const c = lock.characters[character];
  if (!c) return;
  delete c.merged;
  dropIfEmpty(lock, character);
}

/** A character with no rig, clip or merged file left has no line either. */
function dropIfEmpty(lock: Lockfile, character: string): void {
  const c = lock.characters[character];
  if (c && !c.rig && !c.merged && Object.keys(c.animations).length === 0) delete lock.characters[character];
}

/**
 * Prunes a unit from the lockfile without forgetting what was paid: the entry becomes
 * `retired` with every task id in its history (a unit that never had one is removed).
 */
export function retireUnit(lock: Lockfile, character: string, kind: TaskKind, name?: string): void {
  const entry = getUnit(lock, character, kind, name);
  if (!entry || entry.state === "retired") return;
  const past = pastTaskOf(entry);
  const history = past ? pushHistory(entry.history, past) : (entry.history ?? []);
  if (history.length === 0) {
    deleteUnit(lock, character, kind, name);
    return;
  }
  const { digest, inputs, intent_at } = entry;
  setUnit(lock, character, kind, name, { digest, inputs, intent_at, state: "retired", files: {}, history } as UnitEntry);
}

/** Where an entry's or past task's task was made. */
export function madeBy(t: { made_by?: "emulator" }): Target {
  return t.made_by ?? "meshy";
}

/** The unit's current task as a history item, or undefined when it has no task id. */
export function pastTaskOf(entry: UnitEntry): PastTask | undefined {
  if (!entry.task_id) return undefined;
  const past: PastTask = { task_id: entry.task_id, digest: entry.digest };
  if (entry.made_by !== undefined) past.made_by = entry.made_by;
  if (entry.api_version !== undefined) past.api_version = entry.api_version;
  if ("rig_task_id" in entry && entry.rig_task_id !== undefined) past.rig_task_id = entry.rig_task_id;
  if (entry.created_at !== undefined) past.created_at = entry.created_at;
  if (entry.expires_at !== undefined) past.expires_at = entry.expires_at;
  if (entry.gone_at !== undefined) past.gone_at = entry.gone_at;
  if (entry.credits !== undefined) past.credits = entry.credits;
  return past;
}

/** Puts `past` first and drops other entries with its task id; every id is kept (a paid id is never lost). */
export function pushHistory(history: readonly PastTask[] | undefined, past: PastTask): PastTask[] {
  return [past, ...(history ?? []).filter((p) => p.task_id !== past.task_id)];
}

/** Every task id the lockfile holds, current and past: what a paid-for record must never lose. */
export function taskIdsOf(lock: Lockfile): Set<string> {
  const ids = new Set<string>();
  const add = (e: UnitEntry | undefined) => {
    if (e?.task_id) ids.add(e.task_id);
    for (const h of e?.history ?? []) ids.add(h.task_id);
  };
  for (const c of Object.values(lock.characters)) {
    add(c.rig);
    for (const a of Object.values(c.animations)) add(a);
  }
  return ids;
}

/** Every output file the lockfile records, with the key of what records it: units' files and merged characters'. */
export function recordedFiles(lock: Lockfile): { unit: string; file: FileRecord }[] {
  const out: { unit: string; file: FileRecord }[] = [];
  for (const [character, c] of Object.entries(lock.characters)) {
    for (const f of Object.values(c.rig?.files ?? {})) out.push({ unit: `${character}/rig`, file: f });
    for (const [name, a] of Object.entries(c.animations))
      for (const f of Object.values(a.files)) out.push({ unit: `${character}/animations/${name}`, file: f });
    if (c.merged) out.push({ unit: `${character}/merged`, file: c.merged.file });
  }
  return out;
}

/** The sha256 of every output the lockfile marks stored in the team store. */
export function storedObjects(lock: Lockfile): Set<string> {
  return new Set(
    recordedFiles(lock)
      .filter((r) => r.file.stored)
      .map((r) => r.file.sha256),
  );
}

/** Outputs the lockfile records that are not marked stored in the team store (`status`, a build's summary). */
export function countUnstored(lock: Lockfile): number {
  return recordedFiles(lock).filter((r) => !r.file.stored).length;
}
