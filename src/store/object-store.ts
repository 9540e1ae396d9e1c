/**
 * The team store's engine: a flat key → bytes space, S3-compatible (s3.ts) or a
 * folder (folder.ts). Everything rigup keeps there (content-addressed outputs,
 * the unit registry, claims) is built on these few calls (content.ts, registry.ts).
 * Keys are '/'-separated and relative to the store's root (bucket prefix or folder).
 */

/** Transfers and requests in flight at once: a store answers many; a laptop's uplink is the limit. */
export const STORE_CONCURRENCY = 16;

export interface StoredObject {
  key: string;
  size: number;
}

export interface ObjectBody {
  size: number;
  body: AsyncIterable<Uint8Array>;
}

export interface ObjectStore {
  /** The store as the user configured it, for messages: never holds a credential. */
  readonly label: string;
  /**
   * True when `put(..., { ifAbsent: true })` is atomic (a folder: exclusive create;
   * S3: `If-None-Match: *`). False: the claim is a best effort and the docs say so.
   */
  readonly atomicCreate: boolean;
  /** The object's size, or undefined when there is none. */
  head(key: string, opts?: { signal?: AbortSignal }): Promise<StoredObject | undefined>;
  /** Streams the object, or undefined when there is none. */
  get(key: string, opts?: { signal?: AbortSignal }): Promise<ObjectBody | undefined>;
  /**
   * Writes an object from bytes or a local file (streamed, multipart when large;
   * never whole in memory). With `ifAbsent`, writes only when no object has the key
   * and returns false when one has. Readers never see a partial object.
   */
  put(key: string, from: { bytes: Uint8Array } | { file: string }, opts?: { ifAbsent?: boolean; signal?: AbortSignal }): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`. */
  list(prefix: string, opts?: { signal?: AbortSignal }): AsyncIterable<StoredObject>;
  /** Frees sockets (the S3 client's agent). */
  close(): Promise<void>;
}

/**
 * A store that could not be used: unreachable, refused credentials, denied, or an
 * answer rigup cannot read. The message names the store (its label), never a secret.
 */
export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    readonly code: "STORE_UNREACHABLE" | "STORE_AUTH" | "STORE_DENIED" | "STORE_NOT_FOUND" | "STORE_FAILED",
    message: string,
  ) {
    super(message);
  }
}
