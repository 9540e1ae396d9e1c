/**
 * `rigup actions [search]`: the animation library, from the cache beside the
 * manifest (or the user cache folder without one), refetched after 7 days when a
 * key allows, else the snapshot shipped with rigup; filtered by text and category.
 */
import { access } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import type { Writable } from "node:stream";
import { ACTIONS_CACHE_FILE, filterActions, loadActions, userCacheDir, type LoadedActions } from "../actions/cache.js";
import { SNAPSHOT } from "../actions/snapshot.js";
import { resolveSettings } from "../config/load.js";
import { EXIT, UserError } from "../diagnostics/errors.js";
import type { LibraryAction } from "../meshy/schemas.js";
import { apiTarget } from "./api-target.js";
import type { ProjectOptions } from "./project.js";

export interface ActionsQuery {
  search?: string;
  category?: string;
  /** Fetch now, even if the cache is fresh. */
  refresh?: boolean;
  /** The built-in emulator's library (no account, no network). */
  emulator?: boolean;
}

export interface ActionList {
  /** The loaded list's actions that match the query. */
  actions: LibraryAction[];
  loaded: LoadedActions;
  /** The cache file. */
  cache: string;
  /** The snapshot's date, when the list is the snapshot. */
  snapshotTaken?: string;
  /** No API key was at hand (the snapshot could not be replaced). */
  keyless: boolean;
  now: number;
}

/** `opts.manifest`: the manifest whose .rigup/ holds the cache (it need not exist). Notices go to `stderr`. */
export async function listActions(opts: ProjectOptions, q: ActionsQuery, io: { stderr: Writable }): Promise<ActionList> {
  const manifestFile = path.resolve(opts.cwd, opts.manifest ?? "characters.yaml");
  const settings = await resolveSettings({ manifestFile, flags: opts.flags ?? {}, env: opts.env, cwd: opts.cwd });
  const hasManifest = await access(settings.manifestFile).then(
    () => true,
    () => false,
  );
  const cacheDir = hasManifest ? settings.stateDir : userCacheDir(opts.env, process.platform, opts.env.HOME || homedir());
  const cache = path.join(cacheDir, ACTIONS_CACHE_FILE);

  const { apiBase, apiKey, close: stop } = await apiTarget(settings, q.emulator, io.stderr);
  // Two tries, not six: a listing with a cache to fall back on should not sit out a long backoff.
  // The HTTP stack loads only with a key: the cache and the snapshot need none.
  const client = apiKey
    ? new (await import("../meshy/client.js")).MeshyClient({
        baseUrl: apiBase,
        apiVersion: settings.apiVersion,
        apiKey,
        requestsPerSecond: settings.requestsPerSecond,
        retries: { get: 2 },
      })
    : undefined;
  const now = Date.now();
  let loaded: LoadedActions;
  try {
    loaded = await loadActions({
      file: cache,
      // The emulator's port changes every run; its library does not.
      source: q.emulator ? "emulator" : apiBase,
      now,
      refresh: q.refresh,
      fetch: client && (() => client.listActions()),
    });
  } catch (err) {
    throw await asUserError(err);
  } finally {
    await client?.close();
    await stop();
  }
  const actions = filterActions(loaded.actions, { search: q.search, category: q.category });
  return { actions, loaded, cache, ...(loaded.from === "snapshot" && { snapshotTaken: SNAPSHOT.taken }), keyless: !apiKey, now };
}

/** Meshy failures the user can act on: a bad key (exit 6) or no connection (exit 1). */
async function asUserError(err: unknown): Promise<unknown> {
  const { isMeshyError } = await import("../meshy/errors.js");
  if (!isMeshyError(err)) return err;
  return new UserError(`ACTIONS_${err.code}`, `cannot fetch the animation library: ${err.message}`, {
    exitCode: err.code === "AUTH" ? EXIT.ACCOUNT : EXIT.FAILURE,
    hint: err.code === "AUTH" ? "check MESHY_API_KEY" : "check the network and MESHY_API_BASE, then run again",
  });
}
