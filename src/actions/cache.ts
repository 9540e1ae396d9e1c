/**
 * The animation library (`rigup actions`, and the action ids `plan` checks), cached
 * on disk: it changes rarely and listing it should not need the network every time.
 * A cache older than ACTIONS_CACHE_DEFAULTS.maxAgeMs is refetched; when that fails,
 * the old list is used with a warning rather than failing a lookup. With no cache
 * and nothing fetched, the snapshot shipped with rigup stands in (actions/snapshot.ts).
 */
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { UserError } from "../diagnostics/errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { errorCode } from "../fs/fs-like.js";
import { SNAPSHOT } from "./snapshot.js";
import { LibraryListSchema, type LibraryAction } from "../meshy/schemas.js";

export const ACTIONS_CACHE_DEFAULTS = { maxAgeMs: 7 * 24 * 60 * 60 * 1000 };
export const ACTIONS_CACHE_FILE = "actions-cache.json";

export const ActionsCacheSchema = z.strictObject({
  version: z.literal(1),
  /** Which service the list came from (API base, or `emulator`): another one's list is not reused. */
  source: z.string(),
  /** Unix ms. */
  fetched_at: z.number(),
  actions: LibraryListSchema,
});
export type ActionsCache = z.infer<typeof ActionsCacheSchema>;

export interface LoadActionsOptions {
  file: string;
  source: string;
  now: number;
  /** Refetch even when the cache is fresh; a failure is then an error. */
  refresh?: boolean;
  /** Fetches the whole library; undefined when there is no API key. */
  fetch?: () => Promise<LibraryAction[]>;
  maxAgeMs?: number;
}

export interface LoadedActions {
  actions: LibraryAction[];
  /** The API just now, the cache file, or (no cache, nothing fetched) the snapshot shipped with rigup. */
  from: "network" | "cache" | "snapshot";
  /** Unix ms the list was fetched; for the snapshot, the day it was taken. */
  fetchedAt: number;
  /** Set when an older list than wanted was used: a stale cache, or the snapshot after a failed fetch. */
  warning?: string;
}

export async function loadActions(opts: LoadActionsOptions): Promise<LoadedActions> {
  const { file, source, now, refresh = false, fetch, maxAgeMs = ACTIONS_CACHE_DEFAULTS.maxAgeMs } = opts;
  const cached = await readActionsCache(file, source);
  const fromCache = (warning?: string): LoadedActions => ({
    actions: cached!.actions,
    fetchedAt: cached!.fetched_at,
    from: "cache",
    ...(warning ? { warning } : {}),
  });
  if (cached && !refresh && now - cached.fetched_at < maxAgeMs) return fromCache();
  const date = cached && new Date(cached.fetched_at).toISOString().slice(0, 10);
  if (!fetch) {
    if (refresh) {
      throw new UserError("NO_API_KEY", "no Meshy API key to fetch the animation library", {
        hint: "set MESHY_API_KEY, or pass --api-key-file FILE; or try `rigup actions --emulator`",
      });
    }
    return cached ? fromCache(`the cached library is from ${date}; set MESHY_API_KEY to refresh it`) : fromSnapshot();
  }
  let actions: LibraryAction[];
  try {
    actions = await fetch();
  } catch (err) {
    if (refresh) throw err;
    const why = err instanceof Error ? err.message : String(err);
    return cached
      ? fromCache(`could not refresh the library (${why}); using the list from ${date}`)
      : fromSnapshot(`could not fetch the library (${why}); using the snapshot shipped with rigup (taken ${SNAPSHOT.taken})`);
  }
  const cache: ActionsCache = { version: 1, source, fetched_at: now, actions };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(cache)}\n`);
  return { actions, fetchedAt: now, from: "network" };
}

/** The snapshot shipped with rigup, as a loaded list. */
export function fromSnapshot(warning?: string): LoadedActions {
  return { actions: SNAPSHOT.actions, fetchedAt: Date.parse(SNAPSHOT.taken), from: "snapshot", ...(warning ? { warning } : {}) };
}

/** Where a list came from, for a note on stderr: "the cache (FILE, fetched 3 days ago)". */
export function describeSource(loaded: LoadedActions, file: string, now: number): string {
  if (loaded.from === "snapshot") return `the snapshot shipped with rigup (taken ${SNAPSHOT.taken})`;
  if (loaded.from === "network") return `the API, just now (cached in ${file})`;
  return `the cache (${file}, fetched ${age(now - loaded.fetchedAt)})`;
}

function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "just now";
  const [n, unit] =
    minutes < 60 ? [minutes, "minute"] : minutes < 48 * 60 ? [Math.floor(minutes / 60), "hour"] : [Math.floor(minutes / 1440), "day"];
  return `${n} ${unit}${n === 1 ? "" : "s"} ago`;
}

/** The cache if it is readable and from `source`; anything else is a miss. */
async function readActionsCache(file: string, source: string): Promise<ActionsCache | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if (errorCode(err) === "ENOENT") return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ActionsCacheSchema.safeParse(json);
  return parsed.success && parsed.data.source === source ? parsed.data : undefined;
}

export interface ActionFilter {
  /** Case-insensitive substring of the name, category or sub-category. */
  search?: string;
  /** Case-insensitive category name. */
  category?: string;
}

export function filterActions(actions: readonly LibraryAction[], { search, category }: ActionFilter): LibraryAction[] {
  const s = search?.toLowerCase();
  const cat = category?.toLowerCase();
  return actions
    .filter((a) => !s || [a.name, a.category, a.sub_category].some((v) => v?.toLowerCase().includes(s)))
    .filter((a) => !cat || a.category?.toLowerCase() === cat)
    .sort((a, b) => a.action_id - b.action_id);
}

/**
 * Where the cache goes without a manifest: the platform's user cache folder
 * (XDG_CACHE_HOME or ~/.cache, ~/Library/Caches, %LOCALAPPDATA%), in `rigup/`.
 */
export function userCacheDir(env: Record<string, string | undefined>, platform: string, home: string): string {
  if (platform === "win32") return path.join(env.LOCALAPPDATA || path.join(home, "AppData", "Local"), "rigup", "Cache");
  if (platform === "darwin") return path.join(home, "Library", "Caches", "rigup");
  return path.join(env.XDG_CACHE_HOME || path.join(home, ".cache"), "rigup");
}
