/**
 * Local memory of file hashes, keyed by absolute path: a file whose size and
 * mtime are unchanged is not hashed again. Untracked (mtimes differ per machine),
 * so losing or corrupting it only costs a re-hash.
 */
import path from "node:path";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { defaultFs, errorCode, type FsLike, type FsOptions } from "../fs/fs-like.js";

export interface StatCacheEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** A cheap shape check: the cache is read before every game build, and a bad entry only costs a re-hash. */
function isEntry(v: unknown): v is StatCacheEntry {
  const e = v as StatCacheEntry;
  return (
    typeof e === "object" && e !== null && Number.isInteger(e.size) && typeof e.mtimeMs === "number" && /^[0-9a-f]{64}$/.test(e.sha256)
  );
}

export const STAT_CACHE_FILE = "stat-cache.json";

export class StatCache {
  readonly file: string;
  readonly #entries: Map<string, StatCacheEntry>;
  readonly #fs: FsLike;
  #dirty = false;

  /** An empty cache that will be saved to `<stateDir>/stat-cache.json`. */
  constructor(stateDir: string, { fs = defaultFs }: FsOptions = {}, entries: Iterable<[string, StatCacheEntry]> = []) {
    this.file = path.join(stateDir, STAT_CACHE_FILE);
    this.#fs = fs;
    this.#entries = new Map(entries);
  }

  /** Loads `<stateDir>/stat-cache.json`; a missing or unreadable cache starts empty. */
  static async load(stateDir: string, options: FsOptions = {}): Promise<StatCache> {
    const fs = options.fs ?? defaultFs;
    let entries: [string, StatCacheEntry][] = [];
    try {
      const parsed = JSON.parse(await fs.readFile(path.join(stateDir, STAT_CACHE_FILE), "utf8")) as {
        version?: unknown;
        entries?: unknown;
      };
      if (parsed?.version === 1 && typeof parsed.entries === "object" && parsed.entries !== null) {
        entries = Object.entries(parsed.entries).filter((e): e is [string, StatCacheEntry] => isEntry(e[1]));
      }
    } catch (err) {
      if (errorCode(err) !== "ENOENT" && !(err instanceof SyntaxError)) throw err;
    }
    return new StatCache(stateDir, { fs }, entries);
  }

  /** The cached sha256 of `file` if its size and mtime are what was recorded. */
  lookup(file: string, stat: { size: number; mtimeMs: number }): string | undefined {
    const entry = this.#entries.get(path.resolve(file));
    return entry && entry.size === stat.size && entry.mtimeMs === stat.mtimeMs ? entry.sha256 : undefined;
  }

  /** Remember a hash; the executor calls this after a verified download (stat the final file for size/mtimeMs). */
  record(file: string, entry: StatCacheEntry): void {
    this.#entries.set(path.resolve(file), { size: entry.size, mtimeMs: entry.mtimeMs, sha256: entry.sha256 });
    this.#dirty = true;
  }

  /** Writes the cache atomically if anything was recorded since load. */
  async save(): Promise<void> {
    if (!this.#dirty) return;
    await this.#fs.mkdir(path.dirname(this.file), { recursive: true });
    const entries = Object.fromEntries([...this.#entries].sort(([a], [b]) => (a < b ? -1 : 1)));
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, entries })}\n`, { fs: this.#fs });
    this.#dirty = false;
  }
}
