/**
 * Every action id in the manifest must be in the animation library, checked
 * before anything is spent: otherwise a build pays for the rig and only then
 * learns that the animation is refused. An unknown id is an input error (exit 3)
 * at the manifest line that names it, with the likely intended actions.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Writable } from "node:stream";
import type { LoadedActions } from "../actions/cache.js";
import { UserError, type Diagnostic } from "../diagnostics/errors.js";
import { formatPath, parseYamlWithPositions, type DataPath } from "../diagnostics/positions.js";
import type { Manifest } from "../manifest/schema.js";
import type { LibraryAction } from "../meshy/schemas.js";
import type { Project } from "./project.js";
import { projectLibrary } from "./action-library.js";
import { SNAPSHOT } from "../actions/snapshot.js";
import { actionLabel, didYouMeanAction } from "../actions/named-like.js";

export interface UnknownAction {
  /** Where it is in the manifest data: characters.<name>.actions[i] (…action_id in the object form). */
  path: DataPath;
  actionId: number;
  /** The output name the entry gives (`{ action_id, name }`): a hint at what was meant. */
  name?: string;
}

/** The manifest's action entries whose id the library does not hold. Pure. */
export function findUnknownActions(manifest: Manifest, actions: readonly LibraryAction[]): UnknownAction[] {
  const known = new Set(actions.map((a) => a.action_id));
  return Object.entries(manifest.characters).flatMap(([character, c]) =>
    c.actions.flatMap((spec, i): UnknownAction[] => {
      const at = ["characters", character, "actions", i];
      if (typeof spec === "number") return known.has(spec) ? [] : [{ path: at, actionId: spec }];
      if (known.has(spec.action_id)) return [];
      return [{ path: [...at, "action_id"], actionId: spec.action_id, ...(spec.name ? { name: spec.name } : {}) }];
    }),
  );
}

/**
 * "did you mean" for an unknown id: library actions named like the entry's name,
 * then the two nearest ids.
 *
 * @example suggestActions({ actionId: 9999, name: "reaping-swing" }, actions)
 * // "did you mean 99 (Reaping_Swing)? Or the nearest ids are 696 (Walk_with_Walker_Support_inplace) and 695 (Walk_with_Umbrella_inplace)"
 */
function suggestActions(unknown: Pick<UnknownAction, "actionId" | "name">, actions: readonly LibraryAction[]): string {
  const nearest = [...actions]
    .sort((a, b) => Math.abs(a.action_id - unknown.actionId) - Math.abs(b.action_id - unknown.actionId) || a.action_id - b.action_id)
    .slice(0, 2);
  const guess = unknown.name ? didYouMeanAction(unknown.name, actions) : undefined;
  const ids = `the nearest ids are ${nearest.map(actionLabel).join(" and ")}`;
  return guess ? `${guess} Or ${ids}` : ids;
}

/** Where the list came from, for the error summary: the user may hold an id newer than it. */
function librarySource(library: LoadedActions): string {
  if (library.from === "snapshot") return `the snapshot shipped with rigup, taken ${SNAPSHOT.taken}`;
  return `the library fetched ${new Date(library.fetchedAt).toISOString().slice(0, 10)}`;
}

/** Diagnostics with the manifest line of each unknown id. Reads the manifest again: only on this failure path. */
async function diagnose(manifestFile: string, unknown: UnknownAction[], library: LoadedActions): Promise<Diagnostic[]> {
  const yaml = parseYamlWithPositions(await readFile(manifestFile, "utf8"), manifestFile);
  return unknown.map((u) => ({
    file: manifestFile,
    ...yaml.locate(u.path),
    field: formatPath(u.path),
    message: `action ${u.actionId} is not in Meshy's animation library (${library.actions.length} actions)`,
    hint: `${suggestActions(u, library.actions)}; \`rigup actions SEARCH\` lists the library`,
  }));
}

export interface CheckActionIdsOptions {
  /** `build --emulator`: the emulator's library is the snapshot. */
  emulator?: boolean;
  stderr: Writable;
  now?: number;
}

/**
 * Checks every manifest action id against the project's library (see project-library.ts);
 * an id missing from a cached list is looked up once more on the API, when a key allows.
 *
 * @returns the library the ids were checked against
 * @throws UserError `UNKNOWN_ACTION_ID` (exit 3) with a diagnostic per unknown id
 */
export async function checkActionIds(project: Project, opts: CheckActionIdsOptions): Promise<LoadedActions> {
  const { settings, manifest } = project;
  let library = await projectLibrary(settings, opts);
  let unknown = findUnknownActions(manifest, library.actions);
  // A fresh cache may predate an action; a stale one was just refetched (or could not be).
  if (unknown.length > 0 && library.from === "cache" && library.warning === undefined && settings.apiKey !== undefined) {
    library = await projectLibrary(settings, { ...opts, refetch: true });
    unknown = findUnknownActions(manifest, library.actions);
  }
  if (unknown.length === 0) return library;
  const n = unknown.length;
  throw new UserError(
    "UNKNOWN_ACTION_ID",
    `${path.basename(settings.manifestFile)} has ${n} unknown action id${n === 1 ? "" : "s"} (checked against ${librarySource(library)})`,
    {
      diagnostics: await diagnose(settings.manifestFile, unknown, library),
      ...(library.from === "network"
        ? {}
        : {
            hint: "an action newer than this list is found once rigup can fetch the current one: `rigup actions --refresh` with MESHY_API_KEY set",
          }),
    },
  );
}
