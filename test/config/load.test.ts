import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { resolveSettings } from "../../src/config/load.js";
import { CONFIG_DEFAULTS } from "../../src/config/schema.js";
import { UserError } from "../../src/diagnostics/errors.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A repo root (package.json) with the manifest in game/, plus `files` (paths relative to the root). */
async function repo(files: Record<string, string> = {}): Promise<{ root: string; game: string }> {
  const root = await mkdtemp(path.join(tmpdir(), "rigup-config-"));
  dirs.push(root);
  const all = { "package.json": '{ "name": "game" }\n', "game/characters.yaml": "version: 1\ncharacters: {}\n", ...files };
  for (const [p, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, p)), { recursive: true });
    await writeFile(path.join(root, p), text);
  }
  return { root, game: path.join(root, "game") };
}

const settingsIn = (root: string, more: Partial<Parameters<typeof resolveSettings>[0]> = {}) =>
  resolveSettings({ manifestFile: "game/characters.yaml", env: {}, cwd: root, ...more });

async function rejection(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof UserError)) throw new Error(`expected a UserError, got ${String(err)}`);
  return err;
}

describe("resolveSettings", () => {
  it("uses defaults, with absolute paths beside the manifest, when there is no config", async () => {
    const { root, game } = await repo();
    const s = await settingsIn(root);
    expect({ ...s }).toEqual({
      manifestFile: path.join(game, "characters.yaml"),
      manifestDir: game,
      outDir: path.join(game, "out"),
      lockfile: path.join(game, "characters.lock"),
      stateDir: path.join(game, ".rigup"),
      apiBase: "https://api.meshy.ai",
      apiVersion: 2,
      concurrency: 10,
      requestsPerSecond: 20,
      timeouts: { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000, streamIdleMs: 30_000, taskMs: 3_600_000 },
      configFile: undefined,
    });
  });

  it("takes the API version from flag, environment or config, and the task slots from the Meshy plan", async () => {
    const { root, game } = await repo();
    await writeFile(path.join(game, ".riguprc.json"), '{ "apiVersion": 1, "meshyPlan": "studio" }');
    expect(await settingsIn(root)).toMatchObject({ apiVersion: 1, concurrency: 60 });
    expect(await settingsIn(root, { env: { MESHY_API_VERSION: "2" } })).toMatchObject({ apiVersion: 2 });
    expect(await settingsIn(root, { flags: { apiVersion: 2, concurrency: 4 } })).toMatchObject({ apiVersion: 2, concurrency: 4 });
    await expect(settingsIn(root, { env: { MESHY_API_VERSION: "3" } })).rejects.toThrow(/MESHY_API_VERSION/);
  });

  it.each([
    [".riguprc", "concurrency: 3\n"],
    [".riguprc.json", '{ "concurrency": 3 }'],
    [".riguprc.yml", "concurrency: 3\n"],
    ["rigup.config.yaml", "concurrency: 3\n"],
    ["rigup.config.json", '{ "concurrency": 3 }'],
    ["rigup.config.mjs", "export default { concurrency: 3 };\n"],
    ["rigup.config.js", "export default { concurrency: 3 };\n"],
  ])("finds %s from the manifest's directory upward", async (name, text) => {
    const { root } = await repo({ [name]: text });
    const s = await settingsIn(root);
    expect(s.concurrency).toBe(3);
    expect(s.configFile).toBe(path.join(root, name));
  });

  it("reads the rigup key of package.json, and the nearest config wins", async () => {
    const { root, game } = await repo({ "package.json": '{ "name": "g", "rigup": { "outDir": "build/chars" } }' });
    expect((await settingsIn(root)).outDir).toBe(path.join(game, "build/chars"));
    await writeFile(path.join(game, ".riguprc.yaml"), "outDir: near\n");
    expect((await settingsIn(root)).outDir).toBe(path.join(game, "near"));
  });

  it("does not search past the nearest package.json", async () => {
    const { root } = await repo({ ".riguprc": "concurrency: 3\n", "game/package.json": "{}" });
    expect((await settingsIn(root)).configFile).toBeUndefined();
  });

  it("orders flags > env > config > defaults", async () => {
    const { root, game } = await repo({
      ".riguprc.yaml":
        "outDir: from-config\nconcurrency: 3\napiBase: http://127.0.0.1:9\nrequestsPerSecond: 5\ntimeouts: { headersMs: 1000 }\n",
    });
    const env = { RIGUP_OUT_DIR: "env-out", RIGUP_CONCURRENCY: "4", MESHY_API_BASE: "http://127.0.0.1:8" };

    const fromConfig = await settingsIn(root);
    expect([fromConfig.outDir, fromConfig.concurrency, fromConfig.apiBase, fromConfig.requestsPerSecond]).toEqual([
      path.join(game, "from-config"),
      3,
      "http://127.0.0.1:9",
      5,
    ]);
    expect(fromConfig.timeouts).toEqual({ ...CONFIG_DEFAULTS.timeouts, headersMs: 1000 });

    const fromEnv = await settingsIn(root, { env });
    expect([fromEnv.outDir, fromEnv.concurrency, fromEnv.apiBase]).toEqual([path.join(root, "env-out"), 4, "http://127.0.0.1:8"]);

    const fromFlags = await settingsIn(root, { env, flags: { outDir: "flag-out", concurrency: 5, apiBase: "http://127.0.0.1:7" } });
    expect([fromFlags.outDir, fromFlags.concurrency, fromFlags.apiBase]).toEqual([path.join(root, "flag-out"), 5, "http://127.0.0.1:7"]);
  });

  it("reads the API key from the environment or a named file, flags first", async () => {
    const { root } = await repo({
      "keys/flag.txt": "msy_from_flag\n",
      "keys/env.txt": "msy_from_env_file\n",
    });
    expect((await settingsIn(root)).apiKey).toBeUndefined();
    expect((await settingsIn(root, { env: { MESHY_API_KEY_FILE: "keys/env.txt" } })).apiKey).toBe("msy_from_env_file");
    const env = { MESHY_API_KEY: "msy_from_env", MESHY_API_KEY_FILE: "keys/env.txt" };
    expect((await settingsIn(root, { env })).apiKey).toBe("msy_from_env");
    const s = await settingsIn(root, { env, flags: { apiKeyFile: "keys/flag.txt" } });
    expect(s.apiKey).toBe("msy_from_flag");
    // Printing the settings never shows the key.
    expect(JSON.stringify(s)).not.toContain("msy_from_flag");
    expect(inspect(s)).not.toContain("msy_from_flag");
  });

  it("reports an unreadable key file without a key in sight", async () => {
    const { root } = await repo();
    const err = await rejection(settingsIn(root, { env: { MESHY_API_KEY_FILE: "nope.txt" } }));
    expect(err.code).toBe("API_KEY_FILE");
    expect(err.diagnostics[0]).toMatchObject({ file: path.join(root, "nope.txt"), field: "MESHY_API_KEY_FILE", message: "file not found" });
  });

  it.each([
    ["apiKey", "apiKey: msy_abcdef123456\n", "apiKey", 1],
    ["api_key", "outDir: out\napi_key: abcdef123456\n", "api_key", 2],
    ["key", "key: abcdef123456\n", "key", 1],
    ["an msy_ value anywhere", "timeouts:\n  headersMs: 1000\noutDir: msy_abcdef123456\n", "outDir", 3],
  ])("refuses a config holding a key (%s), without echoing it", async (_case, text, field, line) => {
    const { root } = await repo({ ".riguprc.yaml": text });
    const err = await rejection(settingsIn(root));
    expect(err.code).toBe("CONFIG_HAS_API_KEY");
    expect(err.diagnostics).toHaveLength(1);
    expect(err.diagnostics[0]).toMatchObject({ file: path.join(root, ".riguprc.yaml"), field, line, column: 1 });
    expect(err.diagnostics[0]?.hint).toContain("MESHY_API_KEY");
    expect(JSON.stringify({ message: err.message, diagnostics: err.diagnostics })).not.toContain("abcdef123456");
  });

  it("refuses a key in a JS config too", async () => {
    const { root } = await repo({ "rigup.config.mjs": 'export default { apiKey: "msy_abcdef123456" };\n' });
    const err = await rejection(settingsIn(root));
    expect(err.code).toBe("CONFIG_HAS_API_KEY");
    expect(err.diagnostics[0]).toMatchObject({ file: path.join(root, "rigup.config.mjs"), field: "apiKey" });
  });

  it("reports every invalid config field with file, line and field", async () => {
    const { root } = await repo({ ".riguprc.yaml": "concurency: 4\nconcurrency: 500\ntimeouts: { taskMs: soon }\n" });
    const err = await rejection(settingsIn(root));
    expect(err.code).toBe("CONFIG_INVALID");
    const file = path.join(root, ".riguprc.yaml");
    expect(err.diagnostics.map((d) => ({ file: d.file, line: d.line, field: d.field, hint: d.hint }))).toEqual(
      expect.arrayContaining([
        { file, line: 1, field: "concurency", hint: "did you mean concurrency?" },
        { file, line: 2, field: "concurrency", hint: undefined },
        { file, line: 3, field: "timeouts.taskMs", hint: undefined },
      ]),
    );
    expect(err.diagnostics).toHaveLength(3);
  });

  it("a config that is not valid YAML: CONFIG_INVALID naming the file and the line", async () => {
    const { root } = await repo({ "rigup.config.yaml": "outDir: out\nconcurrency: 4: 5\nlockfile: x.lock\n" });
    const err = await rejection(settingsIn(root));
    expect(err.code).toBe("CONFIG_INVALID");
    expect(err.diagnostics).toEqual([
      expect.objectContaining({
        file: path.join(root, "rigup.config.yaml"),
        line: 2,
        message: expect.stringMatching(/^cannot load the config: /),
      }),
    ]);
  });

  it("locates fields inside package.json's rigup key", async () => {
    const { root } = await repo({ "package.json": '{\n  "name": "g",\n  "rigup": {\n    "outdir": "x"\n  }\n}\n' });
    const err = await rejection(settingsIn(root));
    expect(err.diagnostics[0]).toMatchObject({
      file: path.join(root, "package.json"),
      line: 4,
      column: 5,
      field: "outdir",
      hint: "did you mean outDir?",
    });
  });

  it("validates environment values and names the variable", async () => {
    const { root } = await repo();
    const err = await rejection(settingsIn(root, { env: { RIGUP_CONCURRENCY: "lots" } }));
    expect(err.diagnostics[0]).toMatchObject({ file: "(environment)", field: "RIGUP_CONCURRENCY" });
    const err2 = await rejection(settingsIn(root, { flags: { concurrency: 101 } }));
    expect(err2.diagnostics[0]).toMatchObject({ file: "(command line)", field: "--concurrency", message: "must be at most 100, got 101" });
  });
});
