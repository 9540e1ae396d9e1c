/**
 * The executor's side of the team store: write-through of every output it lands,
 * the registry looked up (and the unit claimed) before a paid create, the record
 * published once a unit's outputs are all stored. The store is a second home for
 * paid work, never a reason to lose it: a store that fails is noted, the unit is
 * built locally and counted "not stored", and `rigup push` or the next build uploads it.
 */
import { hostname } from "node:os";
import type { FileRecord, Target, UnitEntry } from "../lockfile/schema.js";
import type { PlanStep } from "../plan/types.js";
import { isoDate } from "../plan/words.js";
import { MissingCopyError, restoreOutput, uploadOutput, type StoredFile } from "../store/content.js";
import { CorruptCopyError } from "../outputs/write-output.js";
import { StoreError, type ObjectStore } from "../store/object-store.js";
import { recordCovers, type Claim, type UnitRecord, type UnitRef } from "../store/record.js";
import { publishRecord, readRecord, releaseClaim, takeClaim, tryClaim } from "../store/registry.js";
import type { Emit, RunSummary } from "./events.js";
import { UnitStop } from "./unit-stop.js";

/** A claim older than this was left by a run that died: a task waits at most an hour (config timeouts.taskMs). */
export const CLAIM_STALE_MS = 2 * 60 * 60_000;
/** How long a unit waits for another machine's record before it gives up (paying nothing). */
export const CLAIM_WAIT_MS = 75 * 60_000;
const CLAIM_POLL_MS = 1_000;
/** Tries of one restore before the unit fails (the next run tries again). */
const RESTORE_ATTEMPTS = 3;

export interface StoreLinkOptions {
  store: ObjectStore;
  target: Target;
  /** This project's lockfile: a claim from this host and lockfile is a killed run's of ours. */
  lockfile: string;
  emit: Emit;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  claimWaitMs?: number;
  pollMs?: number;
}

export class StoreLink {
  /** The first failure: later writes are skipped, their files counted not stored. */
  private failure: StoreError | undefined;
  /** Claims this run holds, by unit key. */
  private readonly claims = new Map<string, UnitRef>();
  private readonly host = hostname();

  constructor(private readonly o: StoreLinkOptions) {}

  /** Uploads a landed output; false when the store failed (now or earlier in the run). */
  async upload(step: Pick<PlanStep, "key">, absPath: string, file: StoredFile & { path: string }, signal?: AbortSignal): Promise<boolean> {
    if (this.failure) return false;
    try {
      await uploadOutput(this.o.store, absPath, file, signal);
      return true;
    } catch (err) {
      this.fail(err, step.key, file.path);
      return false;
    }
  }

  /**
   * Copies a stored output into the tree. A cut or failed transfer is tried again
   * (it is free, and leaves nothing in `out/`); a copy whose bytes are wrong, a missing
   * object or an interrupt is not. A copy the store lacks stops the unit as not run
   * (NOT_IN_STORE): the next plan asks the store again, and `rigup build` makes or fetches it.
   */
  async restore(
    file: StoredFile,
    outDir: string,
    target: Parameters<typeof restoreOutput>[3],
    opts: { signal: AbortSignal; onBytes?: (bytes: number) => void },
  ) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await restoreOutput(this.o.store, file, outDir, target, opts);
      } catch (err) {
        if (err instanceof MissingCopyError) throw new UnitStop("blocked", err.message, "NOT_IN_STORE");
        const final =
          err instanceof CorruptCopyError || (err instanceof StoreError && err.code !== "STORE_UNREACHABLE" && err.code !== "STORE_FAILED");
        if (final || opts.signal.aborted || attempt >= RESTORE_ATTEMPTS) throw err;
        await this.o.sleep(250 * attempt, opts.signal);
      }
    }
  }

  refOf(step: Pick<PlanStep, "kind" | "digest">, rigTaskId: string | undefined): UnitRef {
    return {
      kind: step.kind,
      digest: step.digest!,
      ...(step.kind === "animation" && rigTaskId ? { rigTaskId } : {}),
      target: this.o.target,
    };
  }

  /**
   * Before paying for `step`: the team's record of it (to adopt instead), or undefined
   * once this run holds the unit's claim. Another machine's live claim is waited on
   * (bounded) for its record; a store that fails is no reason to stop paid work.
   */
  async beforePay(
    step: PlanStep,
    rigTaskId: string | undefined,
    roles: readonly string[],
    signal: AbortSignal,
  ): Promise<UnitRecord | undefined> {
    if (this.failure || step.digest === undefined) return undefined;
    const ref = this.refOf(step, rigTaskId);
    const deadline = this.o.now() + (this.o.claimWaitMs ?? CLAIM_WAIT_MS);
    let waiting = false;
    try {
      for (;;) {
        const record = await readRecord(this.o.store, ref, signal);
        if (record && recordCovers(record, roles)) return record;
        const mine: Claim = { rigup_claim: 1, host: this.host, lockfile: this.o.lockfile, pid: process.pid, claimed_at: this.o.now() };
        const got = await tryClaim(this.o.store, ref, mine);
        if (got === true || (got && (this.isOurs(got) || this.o.now() - got.claimed_at > CLAIM_STALE_MS))) {
          if (got !== true) await takeClaim(this.o.store, ref, mine);
          // A run that records a unit lets go of its claim only after: if that happened between the read
          // above and this claim, the record is there now, and paying again would make the unit twice.
          const landed = await readRecord(this.o.store, ref, signal);
          if (landed && recordCovers(landed, roles)) {
            await releaseClaim(this.o.store, ref).catch(() => {});
            return landed;
          }
          return this.hold(step.key, ref);
        }
        if (signal.aborted) throw new UnitStop("interrupted", "interrupted while waiting for another machine's record", "INTERRUPTED");
        if (got && this.o.now() > deadline) {
          throw new UnitStop(
            "blocked",
            `${got.host} claimed ${step.key} in the team store on ${isoDate(got.claimed_at)} and has not recorded it yet; nothing was paid. ` +
              `Build again once that run is done (a claim left by a killed run lapses ${CLAIM_STALE_MS / 3_600_000} hours after it was made).`,
            "CLAIMED",
          );
        }
        if (got && !waiting) {
          waiting = true;
          this.o.emit({ type: "store:waiting", key: step.key, host: got.host, since: got.claimed_at });
        }
        // An interrupt ends the pause; the loop then says why it stopped waiting.
        await this.o.sleep(this.o.pollMs ?? CLAIM_POLL_MS, signal).catch(() => {});
      }
    } catch (err) {
      this.fail(err, step.key);
      return undefined;
    }
  }

  /**
   * After a unit's outputs landed: its record, when every output is stored, so any
   * machine can adopt it; the claim, if held, is let go either way.
   */
  async settle(step: PlanStep, entry: UnitEntry | undefined): Promise<void> {
    const rigTaskId = entry && "rig_task_id" in entry ? entry.rig_task_id : undefined;
    const ref = step.digest === undefined ? undefined : this.refOf(step, rigTaskId);
    try {
      if (ref && entry?.state === "succeeded" && entry.task_id && !this.failure && Object.values(entry.files).every((f) => f.stored)) {
        await publishRecord(this.o.store, ref, recordOf(entry, ref, this.host, this.o.now()));
      }
    } catch (err) {
      this.fail(err, step.key);
    } finally {
      await this.release(step);
    }
  }

  /** Lets go of the unit's claim, if this run holds one (after a failure: someone else may try). */
  async release(step: Pick<PlanStep, "key">): Promise<void> {
    const ref = this.claims.get(step.key);
    if (ref === undefined) return;
    this.claims.delete(step.key);
    // A claim left behind only makes others wait until it lapses: never a reason to fail the unit.
    await releaseClaim(this.o.store, ref).catch(() => {});
  }

  /** Whether a write to the store failed this run (the summary says "not stored"). */
  get failed(): StoreError | undefined {
    return this.failure;
  }

  /** A store that fails stops this run's writes to it (a bug is not a store failure: it is thrown on). */
  private fail(err: unknown, key: string, path?: string): void {
    if (!(err instanceof StoreError)) throw err;
    this.failure = err;
    this.o.emit({ type: "store:failed", key, ...(path !== undefined && { path }), message: err.message });
  }

  private hold(key: string, ref: UnitRef): undefined {
    this.claims.set(key, ref);
    return undefined;
  }

  private isOurs(claim: Claim): boolean {
    return claim.host === this.host && claim.lockfile === this.o.lockfile;
  }
}

/** A landed output written through to the store, if there is one: its record, marked stored once the store has it. */
export async function writeThrough(
  store: StoreLink | undefined,
  summary: RunSummary,
  step: Pick<PlanStep, "key">,
  abs: string,
  record: FileRecord,
  signal: AbortSignal,
): Promise<FileRecord> {
  if (!store) return record;
  if (await store.upload(step, abs, record, signal)) return { ...record, stored: true };
  summary.notStored += 1;
  return record;
}

/** The registry record of a succeeded unit, from its lockfile entry. */
export function recordOf(entry: UnitEntry, ref: UnitRef, host: string, now: number): UnitRecord {
  const files: UnitRecord["files"] = {};
  for (const [role, f] of Object.entries(entry.files)) files[role] = { size: f.size, sha256: f.sha256 };
  return {
    rigup_unit: 1,
    kind: ref.kind,
    digest: entry.digest,
    ...(ref.rigTaskId ? { rig_task_id: ref.rigTaskId } : {}),
    ...(entry.made_by ? { made_by: entry.made_by } : {}),
    ...(entry.api_version ? { api_version: entry.api_version } : {}),
    task_id: entry.task_id!,
    ...(entry.created_at ? { created_at: entry.created_at } : {}),
    ...(entry.finished_at ? { finished_at: entry.finished_at } : {}),
    ...(entry.expires_at ? { expires_at: entry.expires_at } : {}),
    ...(entry.credits !== undefined ? { credits: entry.credits } : {}),
    files,
    ...(entry.unavailable?.length ? { unavailable: [...entry.unavailable] } : {}),
    recorded_by: host,
    recorded_at: now,
  };
}
