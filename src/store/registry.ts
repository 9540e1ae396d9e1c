/**
 * The unit registry and its claims in the team store (store/record.ts). A record is
 * written once, after every output it names is stored; a claim says a machine is
 * making the unit now, so another waits for its record instead of paying too. Claims
 * are atomic only where the store can create an object only if absent (`atomicCreate`).
 */
import { StoreError, type ObjectStore } from "./object-store.js";
import { claimKey, ClaimSchema, recordKey, UnitRecordSchema, type Claim, type UnitRecord, type UnitRef } from "./record.js";

async function readJson(store: ObjectStore, key: string, signal?: AbortSignal): Promise<unknown> {
  const found = await store.get(key, { signal });
  if (found === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of found.body) {
    size += chunk.byteLength;
    // Records are a few hundred bytes: anything this big is not ours.
    if (size > 1 << 20) throw new StoreError("STORE_FAILED", `${store.label}/${key} is not a rigup record (over 1 MB)`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return null;
  }
}

const bytesOf = (value: unknown) => ({ bytes: Buffer.from(`${JSON.stringify(value)}\n`) });

/** The record of the unit, or null when the store has none (an unreadable one counts as none). */
export async function readRecord(store: ObjectStore, ref: UnitRef, signal?: AbortSignal): Promise<UnitRecord | null> {
  const raw = await readJson(store, recordKey(ref), signal);
  const parsed = UnitRecordSchema.safeParse(raw);
  return parsed.success && parsed.data.digest === ref.digest && parsed.data.kind === ref.kind ? parsed.data : null;
}

/** Writes the unit's record unless one is there (records are immutable: the first stays). */
export async function publishRecord(store: ObjectStore, ref: UnitRef, record: UnitRecord): Promise<void> {
  await store.put(recordKey(ref), bytesOf(record), { ifAbsent: true });
}

/** Claims the unit: true when this call made the claim, else the claim that is there. */
export async function tryClaim(store: ObjectStore, ref: UnitRef, claim: Claim): Promise<true | Claim | null> {
  if (await store.put(claimKey(ref), bytesOf(claim), { ifAbsent: true })) return true;
  const parsed = ClaimSchema.safeParse(await readJson(store, claimKey(ref)));
  // Gone between the two calls (released), or unreadable: null, the caller tries again.
  return parsed.success ? parsed.data : null;
}

/** Replaces a claim this project holds or one left abandoned. */
export async function takeClaim(store: ObjectStore, ref: UnitRef, claim: Claim): Promise<void> {
  await store.put(claimKey(ref), bytesOf(claim));
}

export async function releaseClaim(store: ObjectStore, ref: UnitRef): Promise<void> {
  await store.delete(claimKey(ref));
}
