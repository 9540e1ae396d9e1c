/**
 * Answers the planner's questions about the team store (plan/store-view.ts): which
 * outputs it holds, which units its registry records. Many objects are listed
 * (1,000 a request) rather than looked up one by one.
 */
import { mapLimit } from "../async/map-limit.js";
import type { StoreFacts, StoreQuestions } from "./record.js";
import { STORE_CONCURRENCY, type ObjectStore } from "./object-store.js";
import { objectKey, registryKey, type UnitRecord } from "./record.js";
import { readRecord } from "./registry.js";

/** Above this many objects to look up, one listing is cheaper. */
const LIST_ABOVE = 256;
const OBJECTS_PREFIX = "objects/sha256/";

export interface MutableStoreFacts extends StoreFacts {
  objects: Map<string, boolean>;
  units: Map<string, UnitRecord | null>;
}

export function emptyStoreFacts(): MutableStoreFacts {
  return { objects: new Map(), units: new Map() };
}

/** Adds the answers to `q` to `facts`. */
export async function askStore(store: ObjectStore, q: StoreQuestions, facts: MutableStoreFacts, signal?: AbortSignal): Promise<void> {
  if (q.objects.length > LIST_ABOVE) {
    const wanted = new Set(q.objects);
    for await (const o of store.list(OBJECTS_PREFIX, { signal })) {
      const sha = o.key.slice(o.key.lastIndexOf("/") + 1);
      if (wanted.has(sha)) facts.objects.set(sha, true);
    }
    for (const sha of q.objects) if (!facts.objects.has(sha)) facts.objects.set(sha, false);
  } else {
    await mapLimit(q.objects, STORE_CONCURRENCY, async (sha) => {
      facts.objects.set(sha, (await store.head(objectKey(sha), { signal })) !== undefined);
    });
  }
  await mapLimit(q.units, STORE_CONCURRENCY, async (ref) => {
    facts.units.set(registryKey(ref), await readRecord(store, ref, signal));
  });
}
