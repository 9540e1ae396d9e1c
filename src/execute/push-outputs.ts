/**
 * `rigup push`, and the tail of every build with a store: uploads the outputs the
 * lockfile records that the store lacks (only bytes that still hash to the record,
 * so a file changed by hand never poisons the store), marks them stored, and
 * publishes the record of every unit whose outputs are all stored.
 */
import { join } from "node:path";
import type { LockUpdater } from "./journal.js";
import { recordOf } from "./store-link.js";
import type { FileRecord, UnitEntry } from "../lockfile/schema.js";
import { getUnit, madeBy, setUnit } from "../lockfile/units.js";
import type { TaskKind } from "../meshy/schemas.js";
import type { DiskFacts } from "../scan/facts.js";
import { mapLimit } from "../async/map-limit.js";
import { uploadOutput } from "../store/content.js";
import { STORE_CONCURRENCY } from "../store/object-store.js";
import { StoreError, type ObjectStore } from "../store/object-store.js";
import { objectKey, type UnitRef } from "../store/record.js";
import { publishRecord } from "../store/registry.js";

export interface PushResult {
  uploaded: number;
  /** Already in the store (uploaded by another machine, or before). */
  present: number;
  records: number;
  /** Recorded outputs not stored and not in the out folder as recorded: nothing to upload them from. */
  unavailable: string[];
  /** The store failed: what is left is still not stored. */
  failure?: StoreError;
}

interface Unit {
  character: string;
  kind: TaskKind;
  name?: string;
  entry: UnitEntry;
}

export interface PushOptions {
  lock: LockUpdater;
  store: ObjectStore;
  outDir: string;
  facts: Pick<DiskFacts, "outputs">;
  host: string;
  now: () => number;
  /** Check every recorded output, not only those not marked stored (`rigup push`). */
  all?: boolean;
  signal?: AbortSignal;
}

export async function pushOutputs(o: PushOptions): Promise<PushResult> {
  const result: PushResult = { uploaded: 0, present: 0, records: 0, unavailable: [] };
  const units: Unit[] = [];
  for (const [character, c] of Object.entries(o.lock.lock.characters)) {
    if (c.rig) units.push({ character, kind: "rig", entry: c.rig });
    for (const [name, entry] of Object.entries(c.animations)) units.push({ character, kind: "animation", name, entry });
  }
  const todo = units.filter((u) => u.entry.state === "succeeded" && Object.values(u.entry.files).some((f) => o.all || !f.stored));
  await mapLimit(todo, STORE_CONCURRENCY, async (u) => {
    if (result.failure) return;
    try {
      const stored: string[] = [];
      for (const [role, f] of Object.entries(u.entry.files)) if (await pushFile(o, f, result)) stored.push(role);
      await o.lock.update((lock) => {
        const e = getUnit(lock, u.character, u.kind, u.name);
        if (!e || e.task_id !== u.entry.task_id) return;
        const files = { ...e.files };
        for (const r of stored) if (files[r]) files[r] = { ...files[r], stored: true };
        setUnit(lock, u.character, u.kind, u.name, { ...e, files });
      });
      const e = getUnit(o.lock.lock, u.character, u.kind, u.name)!;
      if (e.task_id && Object.values(e.files).every((f) => f.stored)) {
        const rigTaskId = "rig_task_id" in e ? e.rig_task_id : undefined;
        const ref: UnitRef = { kind: u.kind, digest: e.digest, ...(rigTaskId ? { rigTaskId } : {}), target: madeBy(e) };
        await publishRecord(o.store, ref, recordOf(e, ref, o.host, o.now()));
        result.records++;
      }
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      result.failure ??= err;
    }
  });
  // Merged characters are outputs too (made locally; no registry record: any machine makes them for free).
  const merged = Object.entries(o.lock.lock.characters).filter(([, c]) => c.merged && (o.all || !c.merged.file.stored));
  await mapLimit(merged, STORE_CONCURRENCY, async ([character, c]) => {
    if (result.failure) return;
    const f = c.merged!.file;
    try {
      if (!(await pushFile(o, f, result))) return;
      await o.lock.update((lock) => {
        const m = lock.characters[character]?.merged;
        if (m?.file.sha256 === f.sha256) m.file = { ...m.file, stored: true };
      });
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      result.failure ??= err;
    }
  });
  return result;
}

/** Puts one recorded output in the store: uploaded from out/ while it still hashes as recorded. True once the store has it. */
async function pushFile(o: PushOptions, f: FileRecord, result: PushResult): Promise<boolean> {
  if (o.facts.outputs[f.path]?.sha256 === f.sha256) {
    if (await uploadOutput(o.store, join(o.outDir, ...f.path.split("/")), f, o.signal)) result.uploaded++;
    else result.present++;
    return true;
  }
  // Not here as recorded: fine if the store has it already.
  if (await o.store.head(objectKey(f.sha256), { signal: o.signal })) return true;
  result.unavailable.push(f.path);
  return false;
}
