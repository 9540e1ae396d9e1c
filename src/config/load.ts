/**
 * Settings for one run: flags > environment > config file > defaults, with every
 * path made absolute. The config file is found with cosmiconfig from the
 * manifest's directory up to the nearest package.json.
 *
 * The API key comes only from MESHY_API_KEY or a key file the user names
 * (--api-key-file, MESHY_API_KEY_FILE). A config file is usually committed with
 * the repository, so one that holds a key, names a key file or points the key
 * anywhere but Meshy or loopback is refused, without echoing what it holds
 * (api-origin.ts has the rule).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { inspect } from "node:util";
import { cosmiconfig } from "cosmiconfig";
import { parse as parseYaml, type YAMLError } from "yaml";
import { z } from "zod";
import { EXIT, UserError, type Diagnostic } from "../diagnostics/errors.js";
import { formatPath, parseYamlWithPositions, type DataPath, type Position } from "../diagnostics/positions.js";
import { issuesToDiagnostics } from "../diagnostics/zod-issues.js";
import { apiBaseProblem } from "./api-origin.js";
import { redactSecrets } from "../text/redact.js";
import { ConfigSchema, PLAN_TASK_LIMITS, StoreSchema, type Config, type StoreSettings, type Timeouts } from "./schema.js";

export const CONFIG_SEARCH_PLACES = [
  "package.json",
  ".riguprc",
  ".riguprc.json",
  ".riguprc.yaml",
  ".riguprc.yml",
  "rigup.config.json",
  "rigup.config.yaml",
  "rigup.config.yml",
  "rigup.config.js",
  "rigup.config.mjs",
  // Loaded through the `typescript` package, which cosmiconfig needs installed.
  "rigup.config.ts",
];

/** Command-line flags that override everything else. Relative paths are relative to `cwd`. */
export interface SettingsFlags {
  /** An explicit config file instead of searching. */
  config: string;
  apiBase: string;
  outDir: string;
  lockfile: string;
  apiKeyFile: string;
  concurrency: number;
  requestsPerSecond: number;
  apiVersion: number;
  /** `--store URL`, or false for `--no-store`. */
  store: string | false;
}

export interface ResolveSettingsOptions {
  manifestFile: string;
  flags?: Partial<SettingsFlags>;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Everything a run needs to know about where and how. All paths are absolute. */
export interface Settings {
  manifestFile: string;
  manifestDir: string;
  outDir: string;
  lockfile: string;
  /** Untracked run state (stat cache, logs): `<manifestDir>/.rigup`. */
  stateDir: string;
  apiBase: string;
  /** Absent when none is configured; commands that spend ask for it. Never log it. */
  apiKey?: string;
  apiVersion: 1 | 2;
  concurrency: number;
  requestsPerSecond: number;
  timeouts: Timeouts;
  /** The team store, if one is configured (store/open.ts); a folder path is absolute. */
  store?: StoreSettings;
  /** The config file that was used, if any. */
  configFile?: string;
}

/**
 * @example
 * const settings = await resolveSettings({ manifestFile: "characters.yaml", flags: { concurrency: 4 }, env: process.env, cwd: process.cwd() });
 */
export async function resolveSettings(opts: ResolveSettingsOptions): Promise<Settings> {
  const { env, cwd, flags = {} } = opts;
  const manifestFile = path.resolve(cwd, opts.manifestFile);
  const manifestDir = path.dirname(manifestFile);
  const { config, file: configFile } = await loadConfig(manifestDir, flags.config && path.resolve(cwd, flags.config));

  const shape = {
    concurrency: ConfigSchema.shape.concurrency.unwrap(),
    requestsPerSecond: ConfigSchema.shape.requestsPerSecond.unwrap(),
    apiVersion: ConfigSchema.shape.apiVersion.unwrap(),
  };
  const envConcurrency = parseEnvNumber(env, "RIGUP_CONCURRENCY", shape.concurrency);
  const envVersion = parseEnvNumber(env, "MESHY_API_VERSION", shape.apiVersion) as 1 | 2 | undefined;
  const flagged = <K extends keyof typeof shape>(key: K): z.infer<(typeof shape)[K]> | undefined =>
    flags[key] === undefined
      ? undefined
      : (checkValue(`--${kebab(key)}`, flags[key], shape[key] as z.ZodType) as z.infer<(typeof shape)[K]>);
  const fromCwd = (p: string | undefined) => (p ? path.resolve(cwd, p) : undefined);

  const settings: Settings = {
    manifestFile,
    manifestDir,
    outDir: fromCwd(flags.outDir) ?? fromCwd(nonEmpty(env.RIGUP_OUT_DIR)) ?? path.resolve(manifestDir, config.outDir),
    lockfile: fromCwd(flags.lockfile) ?? path.resolve(manifestDir, config.lockfile),
    stateDir: path.join(manifestDir, ".rigup"),
    apiBase:
      flags.apiBase !== undefined
        ? userApiBase("--api-base", flags.apiBase)
        : nonEmpty(env.MESHY_API_BASE) !== undefined
          ? userApiBase("MESHY_API_BASE", env.MESHY_API_BASE)
          : config.apiBase,
    apiVersion: flagged("apiVersion") ?? envVersion ?? config.apiVersion,
    concurrency: flagged("concurrency") ?? envConcurrency ?? config.concurrency ?? PLAN_TASK_LIMITS[config.meshyPlan],
    requestsPerSecond: flagged("requestsPerSecond") ?? config.requestsPerSecond,
    timeouts: config.timeouts,
    configFile,
  };
  const store = storeSettings(flags.store, nonEmpty(env.RIGUP_STORE), config.store, { cwd, manifestDir });
  if (store) settings.store = store;

  const apiKey = await readApiKey({
    flagFile: fromCwd(flags.apiKeyFile),
    envKey: nonEmpty(env.MESHY_API_KEY),
    envFile: fromCwd(nonEmpty(env.MESHY_API_KEY_FILE)),
  });
  if (apiKey !== undefined) settings.apiKey = apiKey;
  return guardKey(settings);
}

/**
 * flags > env > config. A folder given on the command line or in the environment is
 * relative to where rigup runs; one in the config, to characters.yaml's folder.
 */
function storeSettings(
  flag: string | false | undefined,
  envUrl: string | undefined,
  config: Config["store"],
  dirs: { cwd: string; manifestDir: string },
): StoreSettings | undefined {
  if (flag === false) return undefined;
  const fromUser = flag ?? envUrl;
  if (fromUser !== undefined) {
    const url = checkValue(flag !== undefined ? "--store" : "RIGUP_STORE", fromUser, StoreSchema.options[0]);
    return { url: absoluteFolder(url, dirs.cwd) };
  }
  if (config === undefined) return undefined;
  const s = typeof config === "string" ? { url: config } : config;
  return { ...s, url: absoluteFolder(s.url, dirs.manifestDir) };
}

function absoluteFolder(url: string, base: string): string {
  return /^(s3|file):\/\//.test(url) ? url : path.resolve(base, url);
}

/**
 * YAML configs are read by the parser that locates their fields (`locatorFor`), not cosmiconfig's
 * own: one dialect for the file, and a syntax error that says on which line.
 */
const loadYamlConfig = (_file: string, content: string): unknown => parseYaml(content);

/**
 * Finds and validates the config file (or loads `explicit`). No file: all defaults.
 * @throws UserError `CONFIG_INVALID`, `CONFIG_HAS_API_KEY` or `CONFIG_KEY_ROUTE`
 */
export async function loadConfig(searchFrom: string, explicit?: string): Promise<{ config: Config; file?: string }> {
  const explorer = cosmiconfig("rigup", {
    searchPlaces: CONFIG_SEARCH_PLACES,
    searchStrategy: "project",
    cache: false,
    loaders: { ".yaml": loadYamlConfig, ".yml": loadYamlConfig, noExt: loadYamlConfig },
  });
  let result: Awaited<ReturnType<typeof explorer.search>>;
  try {
    result = explicit ? await explorer.load(explicit) : await explorer.search(searchFrom);
  } catch (err) {
    const file = explicit ?? (err as { filepath?: string }).filepath ?? searchFrom;
    // Error texts from loaders may quote the file: never let a key through.
    const message = redactSecrets(String((err as Error).message ?? err).split("\n", 1)[0] ?? "");
    const line = (err as Partial<YAMLError>).linePos?.[0].line;
    throw configError("CONFIG_INVALID", file, [{ file, ...(line && { line }), message: `cannot load the config: ${message}` }]);
  }
  if (!result) return { config: ConfigSchema.parse({}) };
  const file = result.filepath;
  const raw: unknown = result.isEmpty ? {} : result.config;
  const locate = await locatorFor(file);

  const secrets = findKeyLikeFields(raw, []);
  if (secrets.length > 0) {
    throw configError(
      "CONFIG_HAS_API_KEY",
      file,
      secrets.map((p) => ({
        file,
        ...locate?.(p, "key"),
        field: formatPath(p),
        message: "looks like an API key: rigup never reads the key from a config file, which is easily committed",
        hint: "remove it; set MESHY_API_KEY in the environment, or put the key in a file named by apiKeyFile, --api-key-file or MESHY_API_KEY_FILE (and rotate the key if this file was shared)",
      })),
    );
  }
  const routes = keyRouteFields(raw);
  if (routes.length > 0) {
    throw configError(
      "CONFIG_KEY_ROUTE",
      file,
      routes.map(({ field, message, hint }) => ({ file, ...locate?.([field], "key"), field, message, hint })),
    );
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw configError("CONFIG_INVALID", file, issuesToDiagnostics(parsed.error.issues, { file, schema: ConfigSchema, data: raw, locate }));
  }
  return { config: parsed.data, file };
}

/** Field names compared lower-case without `_`/`-`: apiKey, api_key, API-KEY, key, meshy_api_key. */
const KEY_NAMES = new Set(["apikey", "key", "meshyapikey"]);

/** Paths of fields named like a key, or holding a string that looks like a Meshy key (`msy_...`). */
function findKeyLikeFields(value: unknown, at: DataPath): DataPath[] {
  if (typeof value === "string") return /^\s*msy_/.test(value) ? [at] : [];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const p = [...at, Array.isArray(value) ? Number(k) : k];
    return KEY_NAMES.has(k.toLowerCase().replace(/[_-]/g, "")) ? [p] : findKeyLikeFields(v, p);
  });
}

/**
 * Fields through which a committed config would choose where the key comes from or goes:
 * `apiKeyFile` (any file of the user's, e.g. ~/.git-credentials, sent as the key) and an
 * `apiBase` other than Meshy's or loopback. Never reads the named file.
 */
function keyRouteFields(raw: unknown): { field: string; message: string; hint: string }[] {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return [];
  const { apiKeyFile, apiBase } = raw as Record<string, unknown>;
  const found = [];
  if (apiKeyFile !== undefined) {
    found.push({
      field: "apiKeyFile",
      message: "a config file may not name the API key file: a committed config could send any file of yours as the key",
      hint: "remove it; pass --api-key-file FILE or set MESHY_API_KEY_FILE (or MESHY_API_KEY) yourself",
    });
  }
  const problem = typeof apiBase === "string" && URL.canParse(apiBase) ? apiBaseProblem(apiBase, "config") : undefined;
  if (problem) {
    found.push({
      field: "apiBase",
      message: problem,
      hint: "remove it; to use another API, pass --api-base URL or set MESHY_API_BASE yourself",
    });
  }
  return found;
}

/** Positions for data files (YAML, JSON, package.json); none for code configs. */
async function locatorFor(file: string): Promise<((p: DataPath, at?: "key" | "value") => Position) | undefined> {
  const base = path.basename(file);
  if (/\.(js|mjs|cjs|ts)$/.test(base)) return undefined;
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const yaml = parseYamlWithPositions(text, file);
  // package.json holds the config under its "rigup" key.
  const prefix: DataPath = base === "package.json" ? ["rigup"] : [];
  return (p, at) => yaml.locate([...prefix, ...p], at);
}

interface KeySources {
  flagFile?: string;
  envKey?: string;
  envFile?: string;
}

/** flags > env: --api-key-file, MESHY_API_KEY, MESHY_API_KEY_FILE. */
async function readApiKey(src: KeySources): Promise<string | undefined> {
  if (src.flagFile) return readKeyFile(src.flagFile, "--api-key-file");
  if (src.envKey) return src.envKey.trim();
  if (src.envFile) return readKeyFile(src.envFile, "MESHY_API_KEY_FILE");
  return undefined;
}

async function readKeyFile(file: string, namedBy: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : `cannot read it (${code ?? "unknown error"})`;
    throw new UserError("API_KEY_FILE", `cannot read the API key file named by ${namedBy}`, {
      diagnostics: [{ file, field: namedBy, message: why }],
      exitCode: EXIT.INVALID_INPUT,
    });
  }
  const key = text.trim();
  if (!key) {
    throw new UserError("API_KEY_FILE", `the API key file named by ${namedBy} is empty`, {
      diagnostics: [{ file, field: namedBy, message: "the file is empty" }],
      hint: "put your Meshy API key (msy_...) in it, on one line",
      exitCode: EXIT.INVALID_INPUT,
    });
  }
  return key;
}

/** An API base the user named: any https URL, or loopback over http. */
function userApiBase(source: "--api-base" | "MESHY_API_BASE", value: unknown): string {
  const apiBase = checkValue(source, value, ConfigSchema.shape.apiBase);
  const problem = apiBaseProblem(apiBase, "user");
  if (!problem) return apiBase;
  const file = source.startsWith("--") ? "(command line)" : "(environment)";
  throw new UserError("SETTINGS_INVALID", `invalid ${source}`, {
    diagnostics: [{ file, field: source, message: problem, hint: "use https://, or run the emulator on this machine" }],
    exitCode: EXIT.INVALID_INPUT,
  });
}

function parseEnvNumber(env: Record<string, string | undefined>, name: string, schema: z.ZodType<number>): number | undefined {
  const raw = nonEmpty(env[name]);
  return raw === undefined ? undefined : checkValue(name, Number(raw), schema, raw);
}

/** Validates one flag or environment value; the error names where it came from. */
function checkValue<T>(source: string, value: unknown, schema: z.ZodType<T>, shown: unknown = value): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const file = source.startsWith("--") ? "(command line)" : "(environment)";
  const diagnostics = issuesToDiagnostics(parsed.error.issues, { file, schema, data: shown }).map((d) => ({ ...d, field: source }));
  throw new UserError("SETTINGS_INVALID", `invalid ${source}`, { diagnostics, exitCode: EXIT.INVALID_INPUT });
}

function configError(code: string, file: string, diagnostics: Diagnostic[]): UserError {
  const summaries: Record<string, string> = {
    CONFIG_HAS_API_KEY: "must not contain the API key",
    CONFIG_KEY_ROUTE: "may not choose where the API key comes from or goes",
  };
  const summary = `${path.basename(file)} ${summaries[code] ?? "is not a valid rigup config"}`;
  return new UserError(code, summary, { diagnostics, exitCode: EXIT.INVALID_INPUT });
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Keeps the key out of JSON.stringify and console.log of the settings (spreads still copy it). */
function guardKey(settings: Settings): Settings {
  const masked = () => ({ ...settings, ...(settings.apiKey ? { apiKey: "***" } : {}) });
  Object.defineProperty(settings, "toJSON", { value: masked, enumerable: false });
  Object.defineProperty(settings, inspect.custom, { value: () => masked(), enumerable: false });
  return settings;
}
