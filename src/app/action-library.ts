/**
 * The animation library a project's action ids are checked against before
 * anything is spent: the cache in `.rigup/`, refetched when stale and a key is at
 * hand, else the snapshot shipped with rigup. `rigup check` never comes here: it
 * stays offline and fast.
 */
import path from "node:path";
import type { Writable } from "node:stream";
import { ACTIONS_CACHE_FILE, fromSnapshot, loadActions, type LoadedActions } from "../actions/cache.js";
import { announceKeyDestination } from "../config/api-origin.js";
import type { Settings } from "../config/load.js";
import { meshyClientOptions } from "../config/meshy-client.js";

/** How long a plan waits for the library before falling back on the cache or the snapshot. */
const LIBRARY_FETCH_TIMEOUT_MS = 5_000;

export interface ProjectLibraryOptions {
  /** `build --emulator`: the built-in emulator serves the snapshot, so that is the library. */
  emulator?: boolean;
  /** Where the key goes (when not Meshy's API) and fallback warnings are written. */
  stderr: Writable;
  now?: number;
  /** Refetch a fresh cache too (on failure the cache is still used): an unknown id may be newer than it. */
  refetch?: boolean;
}

export async function projectLibrary(settings: Settings, opts: ProjectLibraryOptions): Promise<LoadedActions> {
  if (opts.emulator) return fromSnapshot();
  const { apiBase, apiKey } = settings;
  const loaded = await loadActions({
    file: path.join(settings.stateDir, ACTIONS_CACHE_FILE),
    source: apiBase,
    now: opts.now ?? Date.now(),
    ...(opts.refetch ? { maxAgeMs: 0 } : {}),
    fetch: apiKey === undefined ? undefined : () => fetchLibrary(settings, apiKey, opts.stderr),
  });
  if (loaded.warning) opts.stderr.write(`warning: ${loaded.warning}\n`);
  return loaded;
}

async function fetchLibrary(settings: Settings, apiKey: string, stderr: Writable) {
  announceKeyDestination(stderr, settings.apiBase);
  const { MeshyClient } = await import("../meshy/client.js");
  // One try within a short deadline: a plan offline should fall back at once, not sit out a backoff.
  const client = new MeshyClient({ ...meshyClientOptions(settings, { apiBase: settings.apiBase, apiKey }), retries: { get: 1 } });
  try {
    return await client.listActions({ signal: AbortSignal.timeout(LIBRARY_FETCH_TIMEOUT_MS) });
  } finally {
    await client.close();
  }
}
