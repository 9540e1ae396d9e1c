/**
 * What the planner is told the store holds (store/facts.ts): many objects are listed,
 * a few looked up; objects presumed held (`rigup pull`: the lockfile marks them stored,
 * and each one's GET is the question) cost one HEAD in all, which still lets a store
 * that refuses us say so once.
 */
import { describe, expect, it } from "vitest";
import { askStore, emptyStoreFacts } from "../../src/store/facts.js";
import { StoreError, type ObjectStore, type StoredObject } from "../../src/store/object-store.js";
import { objectKey } from "../../src/store/record.js";

const shaOf = (i: number) => i.toString(16).padStart(64, "0");

/** An in-memory store of `held` objects that counts the requests it answers. */
function countingStore(held: string[], refuse?: StoreError) {
  const keys = new Set(held.map(objectKey));
  const calls = { head: 0, list: 0, get: 0 };
  const store: ObjectStore = {
    label: "mem://store",
    atomicCreate: true,
    async head(key) {
      calls.head++;
      if (refuse) throw refuse;
      return keys.has(key) ? { key, size: 1 } : undefined;
    },
    async get() {
      calls.get++;
      return undefined;
    },
    put: async () => true,
    delete: async () => {},
    async *list(prefix): AsyncIterable<StoredObject> {
      calls.list++;
      if (refuse) throw refuse;
      for (const key of keys) if (key.startsWith(prefix)) yield { key, size: 1 };
    },
    close: async () => {},
  };
  return { store, calls };
}

describe("askStore", () => {
  const wanted = Array.from({ length: 300 }, (_, i) => shaOf(i));

  it("asked about 300 objects, it lists once; about 3, it looks each up", async () => {
    const { store, calls } = countingStore(wanted.slice(0, 200));
    const facts = emptyStoreFacts();
    await askStore(store, { objects: wanted, units: [] }, facts);
    expect(calls).toEqual({ head: 0, list: 1, get: 0 });
    expect(wanted.filter((sha) => facts.objects.get(sha))).toHaveLength(200);
    expect(facts.objects.get(wanted[250]!)).toBe(false);

    const few = countingStore(wanted.slice(0, 2));
    await askStore(few.store, { objects: wanted.slice(0, 3), units: [] }, emptyStoreFacts());
    expect(few.calls).toEqual({ head: 3, list: 0, get: 0 });
  });

  it("presumed objects cost one HEAD in all; the others are asked as usual", async () => {
    const { store, calls } = countingStore(wanted);
    const facts = emptyStoreFacts();
    const extra = [shaOf(1000), shaOf(1001)];
    await askStore(store, { objects: [...wanted, ...extra], units: [] }, facts, { presume: new Set(wanted) });
    // One HEAD for the presumed 300, one each for the two not presumed; no listing, no GET.
    expect(calls).toEqual({ head: 3, list: 0, get: 0 });
    expect(wanted.every((sha) => facts.objects.get(sha) === true)).toBe(true);
    expect(extra.map((sha) => facts.objects.get(sha))).toEqual([false, false]);
  });

  it("the presumed object its HEAD finds missing is not presumed", async () => {
    const { store } = countingStore(wanted.slice(1));
    const facts = emptyStoreFacts();
    await askStore(store, { objects: wanted, units: [] }, facts, { presume: new Set(wanted) });
    expect(facts.objects.get(wanted[0]!)).toBe(false);
    expect(facts.objects.get(wanted[1]!)).toBe(true);
  });

  it("a store that refuses us says so once, at the HEAD, before anything is planned on it", async () => {
    const refused = new StoreError("STORE_AUTH", "mem://store: the credentials were refused");
    const { store, calls } = countingStore(wanted, refused);
    await expect(askStore(store, { objects: wanted, units: [] }, emptyStoreFacts(), { presume: new Set(wanted) })).rejects.toBe(refused);
    expect(calls.head).toBe(1);
  });
});
