/**
 * A Lockfile in memory whose every change is on disk before the caller goes on.
 * The executor's journal (execute/journal.ts) records through it: the intent
 * before a paid POST, the task id right after, so a crash never loses a task.
 */
import type { FsOptions } from "../fs/fs-like.js";
import { readLockfileSnapshot, type LockfileSnapshot } from "./read.js";
import type { Lockfile } from "./schema.js";
import { writeLockfile } from "./write.js";

export type LockStoreOptions = FsOptions;

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

export class LockStore {
  readonly file: string;
  readonly #lock: Lockfile;
  readonly #options: FsOptions;
  /** Updates waiting for the next write; one write covers all of them. */
  #queued: Deferred | undefined;
  #writing = false;

  private constructor(file: string, lock: Lockfile, options: LockStoreOptions) {
    this.file = file;
    this.#lock = lock;
    this.#options = options;
  }

  /** Reads `file` (missing: empty) and returns a store over it; `previous` as in readLockfileSnapshot. */
  static async open(file: string, options: LockStoreOptions & { previous?: LockfileSnapshot } = {}): Promise<LockStore> {
    const { previous, ...fsOptions } = options;
    return new LockStore(file, (await readLockfileSnapshot(file, { ...fsOptions, previous })).lock, fsOptions);
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
}
