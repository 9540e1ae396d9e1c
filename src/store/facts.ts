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

/**
 * Adds the answers to `q` to `facts`. `presume`: objects taken as held without asking, once one
 * HEAD of one of them shows the store answers (so a store that refuses us says so once, not once
 * per file). `rigup pull` presumes what the lockfile marks stored: its GET of each is the question,
 * and a copy the store lacks leaves its unit for `rigup build` (execute/store-link.ts).
 */
export async function askStore(
  store: ObjectStore,
  q: StoreQuestions,
  facts: MutableStoreFacts,
  opts: { signal?: AbortSignal; presume?: ReadonlySet<string> } = {},
): Promise<void> {
  const { signal, presume } = opts;
  const presumed = q.objects.filter((sha) => presume?.has(sha));
  const asked = q.objects.filter((sha) => !presume?.has(sha));
  if (presumed.length > 0) {
    const [probe, ...rest] = presumed;
    facts.objects.set(probe!, (await store.head(objectKey(probe!), { signal })) !== undefined);
    for (const sha of rest) facts.objects.set(sha, true);
  }
  if (asked.length > LIST_ABOVE) {
    const wanted = new Set(asked);
    for await (const o of store.list(OBJECTS_PREFIX, { signal })) {
      const sha = o.key.slice(o.key.lastIndexOf("/") + 1);
      if (wanted.has(sha)) facts.objects.set(sha, true);
    }
    for (const sha of asked) if (!facts.objects.has(sha)) facts.objects.set(sha, false);
  } else {
    await mapLimit(asked, STORE_CONCURRENCY, async (sha) => {
      facts.objects.set(sha, (await store.head(objectKey(sha), { signal })) !== undefined);
    });
  }
  await mapLimit(q.units, STORE_CONCURRENCY, async (ref) => {
    facts.units.set(registryKey(ref), await readRecord(store, ref, signal));
  });
}
