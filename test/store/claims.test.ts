/**
 * Claims in the store's registry (execute/store-link.ts) on a real folder store: a unit
 * another machine is making is waited for and adopted, never paid twice; claims that
 * can no longer be honoured (a killed run of this project, a lapsed one) are taken.
 */
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLAIM_STALE_MS, StoreLink } from "../../src/execute/store-link.js";
import type { PlanStep } from "../../src/plan/types.js";
import { FolderObjectStore } from "../../src/store/folder.js";
import { claimKey, type Claim, type UnitRecord } from "../../src/store/record.js";
import { publishRecord, tryClaim } from "../../src/store/registry.js";
import { tempProject } from "../helpers/project.js";

const DIGEST = "a".repeat(64);
const step = {
  key: "knight/rig",
  character: "knight",
  kind: "rig",
  digest: DIGEST,
  action: "create",
  reasons: [],
  credits: 5,
  missing: [],
} as PlanStep;
const ref = { kind: "rig" as const, digest: DIGEST, target: "meshy" as const };
const record: UnitRecord = {
  rigup_unit: 1,
  kind: "rig",
  digest: DIGEST,
  task_id: "rig-by-ci-7",
  files: { glb: { size: 10, sha256: "b".repeat(64) } },
  recorded_by: "ci-7",
  recorded_at: 1,
};

async function setup(opts: { claimWaitMs?: number; onSleep?: (n: number) => Promise<void> } = {}) {
  const project = await tempProject();
  const root = join(project.dir, "store");
  await mkdir(root);
  const store = new FolderObjectStore(root);
  const lockfile = join(project.dir, "characters.lock");
  let now = 1_000_000;
  const events: string[] = [];
  let sleeps = 0;
  const link = new StoreLink({
    store,
    target: "meshy",
    lockfile,
    emit: (e) => events.push(e.type),
    now: () => now,
    // Time passes only by sleeping: each poll advances the clock.
    sleep: async (ms) => {
      now += ms;
      await opts.onSleep?.(++sleeps);
    },
    claimWaitMs: opts.claimWaitMs ?? 10_000,
    pollMs: 1_000,
  });
  const claim = (c: Partial<Claim>): Claim => ({
    rigup_claim: 1,
    host: "other-host",
    lockfile: "/elsewhere/characters.lock",
    pid: 1,
    claimed_at: now,
    ...c,
  });
  return { store, link, lockfile, events, claim, advance: (ms: number) => (now += ms), signal: new AbortController().signal };
}

describe("before paying for a unit", () => {
  it("no record, no claim: this run claims it (and gives it back after)", async () => {
    const { store, link, signal } = await setup();
    await expect(link.beforePay(step, undefined, ["glb"], signal)).resolves.toBeUndefined();
    expect(await store.head(claimKey(ref))).toBeDefined();
    await link.release(step);
    expect(await store.head(claimKey(ref))).toBeUndefined();
  });

  it("a record: adopted, nothing claimed", async () => {
    const { store, link, signal } = await setup();
    await publishRecord(store, ref, record);
    await expect(link.beforePay(step, undefined, ["glb"], signal)).resolves.toEqual(record);
    expect(await store.head(claimKey(ref))).toBeUndefined();
  });

  it("another machine's live claim: waits, and adopts its record when it appears", async () => {
    let polls = 0;
    // The other machine records its unit while this one waits (after 3 polls).
    const { store, link, claim, events, signal } = await setup({
      onSleep: async (n) => void (polls = n === 3 ? (await publishRecord(store, ref, record), n) : n),
    });
    expect(await tryClaim(store, ref, claim({}))).toBe(true);
    await expect(link.beforePay(step, undefined, ["glb"], signal)).resolves.toEqual(record);
    expect(polls).toBe(3);
    expect(events).toContain("store:waiting");
  });

  it("a record that lands between this run's read and its claim (its maker then let the claim go): adopted, not paid again", async () => {
    const { store, link, signal } = await setup();
    // The other machine publishes its record and releases its claim just before this run's claim goes in.
    const put = store.put.bind(store);
    let raced = false;
    store.put = async (key, from, opts) => {
      if (key === claimKey(ref) && !raced) {
        raced = true;
        await publishRecord(store, ref, record);
      }
      return put(key, from, opts);
    };
    await expect(link.beforePay(step, undefined, ["glb"], signal)).resolves.toEqual(record);
    expect(raced).toBe(true);
    // The claim it took in passing is given back.
    expect(await store.head(claimKey(ref))).toBeUndefined();
  });

  it("another machine's live claim that never records: stops the unit, paying nothing", async () => {
    const { store, link, claim, signal } = await setup({ claimWaitMs: 5_000 });
    await tryClaim(store, ref, claim({}));
    await expect(link.beforePay(step, undefined, ["glb"], signal)).rejects.toMatchObject({
      outcome: "blocked",
      code: "CLAIMED",
      message: expect.stringMatching(/other-host claimed knight\/rig .* nothing was paid/),
    });
  });

  it("a claim this project's killed run left: taken back at once", async () => {
    const { store, link, claim, lockfile, signal } = await setup();
    await tryClaim(store, ref, claim({ host: hostname(), lockfile }));
    await expect(link.beforePay(step, undefined, ["glb"], signal)).resolves.toBeUndefined();
  });

  it("a claim older than the longest task: lapsed, taken", async () => {
    const { store, link, claim, advance, signal } = await setup();
    await tryClaim(store, ref, claim({}));
    advance(CLAIM_STALE_MS + 1);
    await expect(link.beforePay(step, undefined, ["glb"], signal)).resolves.toBeUndefined();
  });

  it("a store that fails is no reason to stop paid work: no claim, the run goes on", async () => {
    const { signal } = await setup();
    const broken = new StoreLink({
      store: new FolderObjectStore(join("/nonexistent", "rigup-store")),
      target: "meshy",
      lockfile: "/x/characters.lock",
      emit: () => {},
      now: Date.now,
      sleep: async () => {},
    });
    await expect(broken.beforePay(step, undefined, ["glb"], signal)).resolves.toBeUndefined();
    expect(broken.failed?.code).toBe("STORE_NOT_FOUND");
  });
});
