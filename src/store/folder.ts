/**
 * The team store in a folder: a local directory or a mounted share (NFS, SMB).
 * A key is a path under the root. Writes go to a temp file next to the target,
 * are fsynced, then renamed (or hard-linked, for `ifAbsent`) into place, so a
 * reader never sees a partial object and a claim is exclusive even over NFS.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { link, lstat, mkdir, open, readdir, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { addAbortSignal } from "node:stream";
import { pipeline } from "node:stream/promises";
import { syncDir } from "../fs/atomic-write.js";
import { bodyOf } from "../async/body-of.js";
import { StoreError, type ObjectBody, type ObjectStore, type StoredObject } from "./object-store.js";

/** Temp files start with this; list() skips them and no key may use it. */
export const TEMP_PREFIX = ".rigup-tmp-";
/** Large reads and writes: fewer syscalls, still a bounded buffer. */
const CHUNK = 1024 * 1024;
/** A runaway walk (a share mounted inside itself through a bind mount) stops here. */
const MAX_LIST_ENTRIES = 10_000_000;

/**
 * Throws unless `key` is a plain relative '/'-separated path: keys are built by
 * rigup, so a bad one is a bug, never something to resolve or normalise.
 */
export function checkKey(key: string): void {
  const segments = key.split("/");
  const bad =
    key === "" ||
    key.includes("\\") ||
    key.includes("\0") ||
    isAbsolute(key) ||
    segments.some((s) => s === "" || s === "." || s === ".." || s.startsWith(TEMP_PREFIX));
  if (bad)
    throw new Error(`invalid store key ${JSON.stringify(key)}: keys are relative '/'-separated paths without empty, '.' or '..' parts`);
}

export class FolderObjectStore implements ObjectStore {
  readonly label: string;
  readonly atomicCreate = true;

  /** `root` must be absolute and exist: the store never creates it (a missing share must not become an empty local folder). */
  constructor(private readonly root: string) {
    if (!isAbsolute(root)) throw new Error(`the store folder must be an absolute path, got ${root}`);
    this.label = root;
  }

  async head(key: string, opts: { signal?: AbortSignal } = {}): Promise<StoredObject | undefined> {
    const path = this.pathOf(key);
    opts.signal?.throwIfAborted();
    try {
      const s = await stat(path);
      return s.isFile() ? { key, size: s.size } : undefined;
    } catch (err) {
      if (isMissing(err)) return this.missing();
      throw this.fail(err, "read", key);
    }
  }

  async get(key: string, opts: { signal?: AbortSignal } = {}): Promise<ObjectBody | undefined> {
    const path = this.pathOf(key);
    opts.signal?.throwIfAborted();
    let handle;
    try {
      handle = await open(path, "r");
    } catch (err) {
      if (isMissing(err)) return this.missing();
      throw this.fail(err, "read", key);
    }
    try {
      const s = await handle.stat();
      if (!s.isFile()) {
        await handle.close();
        return undefined;
      }
      // The stream closes the handle when it ends, fails or is destroyed.
      const stream = handle.createReadStream({ highWaterMark: CHUNK });
      return {
        size: s.size,
        body: bodyOf(opts.signal ? addAbortSignal(opts.signal, stream) : stream, (err) => this.fail(err, "read", key)),
      };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw this.fail(err, "read", key);
    }
  }

  async put(
    key: string,
    from: { bytes: Uint8Array } | { file: string },
    opts: { ifAbsent?: boolean; signal?: AbortSignal } = {},
  ): Promise<boolean> {
    const target = this.pathOf(key);
    opts.signal?.throwIfAborted();
    await this.requireRoot();
    const dir = dirname(target);
    const tmp = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString("hex")}`);
    // A missing or unreadable source is the caller's problem, not the store's: its own error.
    const source = "file" in from ? await open(from.file, "r") : undefined;
    let tmpGone = false;
    try {
      await mkdir(dir, { recursive: true });
      await writeDurably(tmp, "bytes" in from ? from : { handle: source! }, opts.signal);
      if (opts.ifAbsent) {
        try {
          // link() fails with EEXIST when the target exists, atomically, NFS included (O_EXCL is not reliable there).
          await link(tmp, target);
        } catch (err) {
          if (codeOf(err) === "EEXIST") return false;
          if (["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(codeOf(err) ?? "")) {
            throw new StoreError(
              "STORE_FAILED",
              `${this.label}: cannot write ${key}: the folder's file system does not support hard links, which the store needs for exclusive writes`,
            );
          }
          throw err;
        }
      } else {
        await rename(tmp, target);
        tmpGone = true;
      }
      await syncDir(dir);
      return true;
    } catch (err) {
      throw await this.failWrite(err, key);
    } finally {
      await source?.close().catch(() => undefined);
      if (!tmpGone) await unlink(tmp).catch(() => undefined);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (err) {
      if (isMissing(err)) return void (await this.requireRoot());
      throw this.fail(err, "delete", key);
    }
  }

  /** Keys in no particular order. */
  async *list(prefix: string, opts: { signal?: AbortSignal } = {}): AsyncIterable<StoredObject> {
    if (prefix.includes("\\") || prefix.startsWith("/")) throw new Error(`invalid store prefix ${JSON.stringify(prefix)}`);
    // The walk starts at the deepest folder the prefix names whole; the rest of it filters.
    const cut = prefix.lastIndexOf("/");
    const base = cut < 0 ? "" : prefix.slice(0, cut);
    if (base !== "") checkKey(base);
    await this.requireRoot();
    let seen = 0;
    const pending: string[] = [base];
    while (pending.length > 0) {
      opts.signal?.throwIfAborted();
      const rel = pending.pop()!;
      let entries;
      try {
        entries = await readdir(join(this.root, ...rel.split("/")), { withFileTypes: true });
      } catch (err) {
        if (isMissing(err)) continue;
        throw this.fail(err, "list", rel || "/");
      }
      for (const entry of entries) {
        if (++seen > MAX_LIST_ENTRIES)
          throw new StoreError(
            "STORE_FAILED",
            `${this.label}: more than ${MAX_LIST_ENTRIES} entries under ${prefix || "/"}; stopped listing`,
          );
        if (entry.name.startsWith(TEMP_PREFIX)) continue;
        const key = rel === "" ? entry.name : `${rel}/${entry.name}`;
        // Symbolic links are not followed (no cycles); a folder is walked only if keys under it can match.
        if (entry.isDirectory()) {
          if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) pending.push(key);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          let size;
          try {
            size = (await lstat(join(this.root, ...key.split("/")))).size;
          } catch (err) {
            if (isMissing(err)) continue; // deleted since readdir
            throw this.fail(err, "list", key);
          }
          yield { key, size };
        }
      }
    }
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    checkKey(key);
    return join(this.root, ...key.split("/"));
  }

  /** A miss is only a miss when the root is there: a vanished share is an error, not an empty store. */
  private async missing(): Promise<undefined> {
    await this.requireRoot();
    return undefined;
  }

  private async requireRoot(): Promise<void> {
    let s;
    try {
      s = await stat(this.root);
    } catch (err) {
      if (isMissing(err)) {
        throw new StoreError("STORE_NOT_FOUND", `${this.label}: the store folder does not exist; create it (or mount the share) first`);
      }
      throw this.fail(err, "open", "/");
    }
    if (!s.isDirectory()) throw new StoreError("STORE_NOT_FOUND", `${this.label}: the store path is not a folder`);
  }

  private async failWrite(err: unknown, key: string): Promise<unknown> {
    if (err instanceof StoreError || isAbort(err)) return err;
    // mkdir/open under a root that vanished mid-write: say so rather than ENOENT.
    if (isMissing(err)) {
      try {
        await this.requireRoot();
      } catch (rootErr) {
        return rootErr;
      }
    }
    return this.fail(err, "write", key);
  }

  private fail(err: unknown, op: string, key: string): unknown {
    if (err instanceof StoreError || isAbort(err)) return err;
    const code = codeOf(err);
    if (code === "EACCES" || code === "EPERM") {
      return new StoreError("STORE_DENIED", `${this.label}: cannot ${op} ${key}: permission denied`);
    }
    if (code === "ENOSPC" || code === "EDQUOT")
      return new StoreError("STORE_FAILED", `${this.label}: cannot ${op} ${key}: the disk is full (${code})`);
    return new StoreError(
      "STORE_FAILED",
      `${this.label}: cannot ${op} ${key}: ${code ?? (err instanceof Error ? err.message : String(err))}`,
    );
  }
}

/** Writes a new file (never an existing one) and fsyncs it before it is renamed or linked into place. */
async function writeDurably(tmp: string, from: { bytes: Uint8Array } | { handle: FileHandle }, signal?: AbortSignal): Promise<void> {
  if ("bytes" in from) {
    const handle = await open(tmp, "wx");
    try {
      await handle.writeFile(from.bytes, { signal });
      await handle.sync();
    } finally {
      await handle.close();
    }
    return;
  }
  const source = from.handle.createReadStream({ highWaterMark: CHUNK, autoClose: false });
  await pipeline(source, createWriteStream(tmp, { flags: "wx", flush: true, highWaterMark: CHUNK }), { signal });
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function isMissing(err: unknown): boolean {
  const code = codeOf(err);
  return code === "ENOENT" || code === "ENOTDIR";
}

function isAbort(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === "AbortError";
}
