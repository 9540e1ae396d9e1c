/**
 * Reads characters.yaml: YAML with positions -> ManifestSchema -> cross-field
 * checks -> local file checks. Collects every problem of one run into a single
 * UserError, so a user fixes the whole file in one round instead of one error
 * per run.
 */
import fsPromises from "node:fs/promises";
import path from "node:path";
import { EXIT, UserError, type Diagnostic } from "../diagnostics/errors.js";
import { FILE_CONCURRENCY, mapLimit } from "../async/map-limit.js";
import { checkCharacterFiles, type ManifestFs } from "./check-files.js";
import { checkActionNames, checkCharacterNames, checkOutputPaths, checkRigOutputs, checkSource } from "./check-fields.js";
import { formatPath, parseYamlWithPositions, type DataPath } from "../diagnostics/positions.js";
import { resolveManifest, type ResolvedManifest } from "./resolve.js";
import { ManifestSchema, type Manifest } from "./schema.js";
import { describe, issuesToDiagnostics } from "../diagnostics/zod-issues.js";

export type { ManifestFs };

export interface LoadManifestOptions {
  /** Defaults to node:fs/promises; tests pass memfs. */
  fs?: ManifestFs;
  /**
   * "did you mean 0 (Idle)?" for an action written as a name where its id belongs. Asked only
   * then: the library is not the manifest's to load.
   */
  suggestAction?: (name: string) => Promise<string | undefined>;
}

export interface LoadedManifest {
  manifest: Manifest;
  resolved: ResolvedManifest;
  /** Absolute path of the manifest. */
  file: string;
  /** Its directory: local paths in the manifest are relative to it. */
  dir: string;
}

/**
 * @example
 * const { resolved, dir } = await loadManifest("characters.yaml");
 * @throws UserError `MANIFEST_NOT_FOUND`, or `MANIFEST_INVALID` carrying every diagnostic found.
 */
export async function loadManifest(file: string, opts: LoadManifestOptions = {}): Promise<LoadedManifest> {
  const fs: ManifestFs = opts.fs ?? fsPromises;
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const text = await readManifest(abs, fs);

  const yaml = parseYamlWithPositions(text, abs);
  const diagnostics: Diagnostic[] = [...yaml.diagnostics];
  if (yaml.broken) throw invalid(abs, diagnostics);

  if (yaml.data == null) {
    diagnostics.push({
      file: abs,
      line: 1,
      column: 1,
      message: "the manifest is empty",
      hint: "start with `version: 1` and a `characters:` mapping (see the example in rigup's README)",
    });
    throw invalid(abs, diagnostics);
  }
  const ctx = { file: abs, dir, fs, locate: yaml.locate };
  const characters = charactersOf(yaml.data);
  const parsed = ManifestSchema.safeParse(yaml.data);
  if (!parsed.success) {
    // An action written as a name gets its own diagnostic, with the ids it may mean, in place of "expected a number".
    const named = actionsWrittenAsNames(characters);
    const fields = new Set(named.map((n) => formatPath(n.path)));
    const issues = issuesToDiagnostics(parsed.error.issues, { file: abs, schema: ManifestSchema, data: yaml.data, locate: yaml.locate });
    diagnostics.push(...issues.filter((d) => d.field === undefined || !fields.has(d.field)));
    for (const n of named) {
      const guess = await opts.suggestAction?.(n.text);
      const search = /^[\w-]+$/.test(n.text) ? n.text : JSON.stringify(n.text);
      diagnostics.push({
        file: abs,
        ...yaml.locate(n.path),
        field: formatPath(n.path),
        message: `an action is an id from Meshy's animation library (a number), not a name: got ${describe(n.text)}`,
        hint: `${guess ? `${guess} ` : ""}\`rigup actions ${search}\` searches the library by name`,
      });
    }
  }
  diagnostics.push(...checkCharacterNames(Object.keys(characters), ctx));
  for (const name of Object.keys(characters)) diagnostics.push(...checkRigOutputs(name, ctx));
  const entries = Object.entries(characters).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1]));
  for (const [name, c] of entries) diagnostics.push(...checkSource(name, c, ctx), ...checkActionNames(name, c, ctx));
  // Bounded: opening every character's files at once runs out of descriptors (EMFILE) on big projects.
  const fileChecks = await mapLimit(entries, FILE_CONCURRENCY, ([name, c]) => checkCharacterFiles(name, c, ctx));
  for (const found of fileChecks) diagnostics.push(...found);
  if (parsed.success && diagnostics.length === 0) diagnostics.push(...checkOutputPaths(parsed.data, ctx));

  if (!parsed.success || diagnostics.length > 0) throw invalid(abs, diagnostics);
  return { manifest: parsed.data, resolved: resolveManifest(parsed.data), file: abs, dir };
}

async function readManifest(abs: string, fs: ManifestFs): Promise<string> {
  try {
    return await fs.readFile(abs, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      "MANIFEST_NOT_FOUND",
      `cannot read ${path.basename(abs)}: ${code === "ENOENT" ? "no such file" : (code ?? "unreadable")}`,
      {
        diagnostics: [{ file: abs, message: code === "ENOENT" ? "file not found" : `cannot read the file (${code ?? "unknown error"})` }],
        hint: "run rigup next to characters.yaml, or name the manifest on the command line",
        exitCode: EXIT.INVALID_INPUT,
      },
    );
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Action entries holding text where an id belongs: `- idle`, or `action_id: idle`. */
function actionsWrittenAsNames(characters: Record<string, unknown>): { path: DataPath; text: string }[] {
  return Object.entries(characters).flatMap(([name, c]) => {
    const actions = isRecord(c) && Array.isArray(c.actions) ? (c.actions as unknown[]) : [];
    return actions.flatMap((entry, i) => {
      const at = ["characters", name, "actions", i];
      if (typeof entry === "string") return [{ path: at, text: entry }];
      if (isRecord(entry) && typeof entry.action_id === "string") return [{ path: [...at, "action_id"], text: entry.action_id }];
      return [];
    });
  });
}

/** The `characters` mapping, whatever else is wrong: each character is checked on its own. */
function charactersOf(data: unknown): Record<string, unknown> {
  const characters = isRecord(data) ? data.characters : undefined;
  return isRecord(characters) ? characters : {};
}

function invalid(file: string, diagnostics: Diagnostic[]): UserError {
  // Top to bottom, as the user reads the file.
  const sorted = [...diagnostics].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const n = sorted.length;
  return new UserError("MANIFEST_INVALID", `${path.basename(file)} has ${n} problem${n === 1 ? "" : "s"}`, {
    diagnostics: sorted,
    exitCode: EXIT.INVALID_INPUT,
  });
}
