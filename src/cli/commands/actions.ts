/** `rigup actions [search]`: the animation library as a table, from a cache refreshed weekly, or the snapshot shipped with rigup. */
import type { Command } from "commander";
import { EXIT, UserError } from "../../diagnostics/errors.js";
import type { LibraryAction } from "../../meshy/schemas.js";
import type { CliEnv } from "../env.js";
import { jsonOption, projectOptions, type ProjectFlags } from "./common.js";
import { apiTarget } from "./api-target.js";

interface ActionsFlags extends ProjectFlags {
  manifest: string;
  category?: string;
  refresh?: boolean;
  emulator?: boolean;
}

export function registerActionsCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  program
    .command("actions [search]")
    .description(
      "List Meshy's animation library (id, name, category, sub-category) as a table on stdout: that table is the output; notes go to stderr. " +
        "Filters by text in the name or category. Cached in .rigup/actions-cache.json beside the manifest (or the user cache folder) and refetched after 7 days; " +
        "with no cache and no API key, the snapshot shipped with rigup is listed. stderr says which list was used.",
    )
    .option("-m, --manifest <file>", "the manifest whose .rigup/ holds the cache", "characters.yaml")
    .option("--category <name>", "only this category (case-insensitive), e.g. Fighting")
    .option("--refresh", "fetch the library now, even if the cache is fresh")
    .option("--emulator", "list the built-in emulator's library (no account, no network)")
    .option("--api-key-file <file>", "read the Meshy API key from this file (default: $MESHY_API_KEY)")
    .option("--api-base <url>", "Meshy API base URL (default: $MESHY_API_BASE, config apiBase, https://api.meshy.ai)")
    .addOption(jsonOption())
    .action(async (search: string | undefined, flags: ActionsFlags) => {
      const [{ resolveSettings }, { loadActions, filterActions, describeSource, userCacheDir, ACTIONS_CACHE_FILE }, { SNAPSHOT }, { access }, path, os] = await Promise.all([
        import("../../config/load.js"),
        import("../../actions/cache.js"),
        import("../../actions/snapshot.js"),
        import("node:fs/promises"),
        import("node:path"),
        import("node:os"),
      ]);
      const opts = projectOptions(flags, ctx);
      const settings = await resolveSettings({ manifestFile: path.resolve(ctx.cwd, flags.manifest), flags: opts.flags, env: ctx.env, cwd: ctx.cwd });
      const hasManifest = await access(settings.manifestFile).then(() => true, () => false);
      const cacheDir = hasManifest ? settings.stateDir : userCacheDir(ctx.env, process.platform, ctx.env.HOME || os.homedir());
      const file = path.join(cacheDir, ACTIONS_CACHE_FILE);

      const { apiBase, apiKey, close: stop } = await apiTarget(settings, flags.emulator, ctx.stderr);
      // Two tries, not six: a listing with a cache to fall back on should not sit out a long backoff.
      // The HTTP stack loads only with a key: the cache and the snapshot need none.
      const client = apiKey
        ? new (await import("../../meshy/client.js")).MeshyClient({ baseUrl: apiBase, apiVersion: settings.apiVersion, apiKey, requestsPerSecond: settings.requestsPerSecond, retries: { get: 2 } })
        : undefined;
      const now = Date.now();
      let loaded;
      try {
        loaded = await loadActions({
          file,
          // The emulator's port changes every run; its library does not.
          source: flags.emulator ? "emulator" : apiBase,
          now,
          refresh: flags.refresh,
          fetch: client && (() => client.listActions()),
        });
      } catch (err) {
        throw await asUserError(err);
      } finally {
        await client?.close();
        await stop();
      }
      const actions = filterActions(loaded.actions, { search, category: flags.category });
      if (loaded.warning) ctx.stderr.write(`warning: ${loaded.warning}\n`);
      const snapshot = loaded.from === "snapshot" ? { snapshot_taken: SNAPSHOT.taken } : {};
      if (flags.json) ctx.stdout.write(`${JSON.stringify({ fetched_at: loaded.fetchedAt, from: loaded.from, ...snapshot, cache: file, actions }, null, 2)}\n`);
      else ctx.stdout.write(actionsTable(actions));
      const hint = loaded.from === "snapshot" && !apiKey ? "; set MESHY_API_KEY to fetch the current library" : "";
      ctx.stderr.write(`${actions.length} of ${loaded.actions.length} actions, from ${describeSource(loaded, file, now)}${hint}.\n`);
      setExit(EXIT.OK);
    });
}

function actionsTable(actions: readonly LibraryAction[]): string {
  const rows = [["id", "name", "category", "sub-category"], ...actions.map((a) => [String(a.action_id), a.name, a.category ?? "", a.sub_category ?? ""])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n") + "\n";
}

/** Meshy failures the user can act on: a bad key (exit 6) or no connection (exit 1). */
async function asUserError(err: unknown): Promise<unknown> {
  const { isMeshyError } = await import("../../meshy/errors.js");
  if (!isMeshyError(err)) return err;
  return new UserError(`ACTIONS_${err.code}`, `cannot fetch the animation library: ${err.message}`, {
    exitCode: err.code === "AUTH" ? EXIT.ACCOUNT : EXIT.FAILURE,
    hint: err.code === "AUTH" ? "check MESHY_API_KEY" : "check the network and MESHY_API_BASE, then run again",
  });
}
