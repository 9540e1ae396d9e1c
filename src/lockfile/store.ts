/**
 * The executor's write-ahead journal: a Lockfile in memory whose every change
 * is on disk before the caller goes on. Record the intent BEFORE a paid POST
 * and the task id right after it, so a crash never loses a paid task.
 */
import type { TaskKind, TaskStatus } from "../meshy/schemas.js";
import type { FsOptions } from "./fs.js";
import { readLockfile } from "./read.js";
import type { AnimationInputs, FileRecord, Lockfile, RigInputs, UnitEntry, UnitState } from "./schema.js";
import { deleteUnit, getUnit, pastTaskOf, pushHistory, setUnit, unitKey } from "./units.js";
import { writeLockfile } from "./write.js";

export interface LockStoreOptions extends FsOptions {
  /** Clock for `intent_at` when the caller gives none (Unix ms). */
  now?: () => number;
}

export interface IntentRecord {
  digest: string;
  inputs: RigInputs | AnimationInputs;
  /** Default: the store's clock. */
  intent_at?: number;
  /** Animation only: the rig task the clip will be made on. */
  rig_task_id?: string;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const STATE_OF: Record<TaskStatus, UnitState> = {
  PENDING: "pending",
  IN_PROGRESS: "pending",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  CANCELED: "failed",
};

export class LockStore {
  readonly file: string;
  readonly #lock: Lockfile;
  readonly #options: FsOptions;
  readonly #now: () => number;
  /** Updates waiting for the next write; one write covers all of them. */
  #queued: Deferred | undefined;
  #writing = false;

  private constructor(file: string, lock: Lockfile, { now = Date.now, ...options }: LockStoreOptions) {
    this.file = file;
    this.#lock = lock;
    this.#options = options;
    this.#now = now;
  }

  /** Reads `file` (missing: empty) and returns a store over it. */
  static async open(file: string, options: LockStoreOptions = {}): Promise<LockStore> {
    return new LockStore(file, await readLockfile(file, options), options);
  }

  /** The current state, including updates whose write is still in flight. Change it only through `update`. */
  get lock(): Lockfile {
    return this.#lock;
  }

  /**
   * Applies `mutator` to the lock now and resolves once a write containing it is
   * on disk. Updates are written in order and never interleave; updates made
   * while a write is running share the next write. If the write fails the promise
   * rejects: the change stays in memory but is NOT durable, so do not spend money
   * on its strength. A mutator must not throw after changing anything.
   */
  async update(mutator: (lock: Lockfile) => void): Promise<void> {
    mutator(this.#lock);
    const batch = (this.#queued ??= deferred());
    if (!this.#writing) void this.#drain();
    return batch.promise;
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#queued) {
      const batch = this.#queued;
      this.#queued = undefined;
      // writeLockfile serialises synchronously, so this write holds every update made so far.
      await writeLockfile(this.file, this.#lock, this.#options).then(batch.resolve, batch.reject);
    }
    this.#writing = false;
  }

  /**
   * Write-ahead: call BEFORE the paid POST. Replaces the unit with a fresh `intent`
   * entry (files cleared: they belonged to the old task); the old task id, if any,
   * moves to the front of `history` so it is never lost.
   */
  recordIntent(character: string, kind: TaskKind, name: string | undefined, intent: IntentRecord): Promise<void> {
    return this.update((lock) => {
      const previous = getUnit(lock, character, kind, name);
      const past = previous && pastTaskOf(previous);
      const history = past ? pushHistory(previous.history, past) : previous?.history;
      const entry = {
        digest: intent.digest,
        state: "intent",
        intent_at: intent.intent_at ?? this.#now(),
        inputs: intent.inputs,
        files: {},
        ...(history?.length ? { history } : {}),
        ...(kind === "animation" && intent.rig_task_id !== undefined ? { rig_task_id: intent.rig_task_id } : {}),
      } as UnitEntry;
      setUnit(lock, character, kind, name, entry);
    });
  }

  /** The POST answered (or reconcile found the task): state `pending`. A different earlier task id goes to history. */
  recordTaskId(character: string, kind: TaskKind, name: string | undefined, task: { task_id: string; created_at?: number }): Promise<void> {
    return this.update((lock) => {
      const entry = this.#require(lock, character, kind, name);
      const past = pastTaskOf(entry);
      if (past && past.task_id !== task.task_id) entry.history = pushHistory(entry.history, past);
      entry.task_id = task.task_id;
      entry.state = "pending";
      if (task.created_at !== undefined) entry.created_at = task.created_at;
    });
  }

  /** The POST's answer was lost: it may have created (and billed) a task; the next run reconciles. */
  recordUnknown(character: string, kind: TaskKind, name: string | undefined): Promise<void> {
    return this.update((lock) => {
      this.#require(lock, character, kind, name).state = "unknown";
    });
  }

  /** Meshy's status as last seen; `state` follows it (SUCCEEDED → succeeded, FAILED/CANCELED → failed). */
  recordStatus(
    character: string,
    kind: TaskKind,
    name: string | undefined,
    seen: { status: TaskStatus; created_at?: number; finished_at?: number; expires_at?: number; credits?: number },
  ): Promise<void> {
    return this.update((lock) => {
      const entry = this.#require(lock, character, kind, name);
      const { status, ...times } = seen;
      entry.status = status;
      entry.state = STATE_OF[status];
      for (const [k, v] of Object.entries(times)) if (v !== undefined) (entry as Record<string, unknown>)[k] = v;
    });
  }

  /** A downloaded and verified output file, by role (plan/layout.ts). Call after the file is in place. */
  recordFile(character: string, kind: TaskKind, name: string | undefined, role: string, file: FileRecord): Promise<void> {
    return this.update((lock) => {
      this.#require(lock, character, kind, name).files[role] = file;
    });
  }

  /** The task failed or the POST was refused (400/422: no task id): state `failed` with the reason. */
  recordFailure(
    character: string,
    kind: TaskKind,
    name: string | undefined,
    failure: { code: string; message: string; status?: TaskStatus; finished_at?: number },
  ): Promise<void> {
    return this.update((lock) => {
      const entry = this.#require(lock, character, kind, name);
      entry.state = "failed";
      entry.error = { code: failure.code, message: failure.message };
      if (failure.status !== undefined) entry.status = failure.status;
      if (failure.finished_at !== undefined) entry.finished_at = failure.finished_at;
    });
  }

  /** Prune: forget a unit no longer in the manifest (its character too once empty). */
  removeUnit(character: string, kind: TaskKind, name: string | undefined): Promise<void> {
    return this.update((lock) => {
      deleteUnit(lock, character, kind, name);
    });
  }

  #require(lock: Lockfile, character: string, kind: TaskKind, name: string | undefined): UnitEntry {
    const entry = getUnit(lock, character, kind, name);
    // The executor records an intent first; anything else is a bug in the caller.
    if (!entry) throw new Error(`bug: no lockfile entry for ${unitKey(character, kind, name)}`);
    return entry;
  }
}
