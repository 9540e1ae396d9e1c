/**
 * The config's `timeouts` reach the Meshy client: a small `headersMs` against a
 * loopback server that takes the request and never answers ends in the client's
 * headers-timeout error, not in a caller's deadline or the 30 s default. Bounded by
 * the test's timeout, not by measuring time.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { projectLibrary } from "../../src/app/action-library.js";
import { resolveSettings, type Settings } from "../../src/config/load.js";
import { meshyClientOptions } from "../../src/config/meshy-client.js";
import { CONFIG_DEFAULTS } from "../../src/config/schema.js";
import { MESHY_CLIENT_DEFAULTS, MeshyClient } from "../../src/meshy/client.js";
import { rejection, startServer, TEST_KEY } from "../meshy/helpers.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A repo whose package.json holds `config` under "rigup", and the settings of its characters.yaml. */
async function settingsWith(config: unknown, env: Record<string, string> = {}): Promise<Settings> {
  const root = await mkdtemp(path.join(tmpdir(), "rigup-timeouts-"));
  dirs.push(root);
  await writeFile(path.join(root, "package.json"), JSON.stringify({ name: "game", rigup: config }));
  await writeFile(path.join(root, "characters.yaml"), "version: 1\ncharacters: {}\n");
  return resolveSettings({ manifestFile: "characters.yaml", env, cwd: root });
}

/** Takes every request and never answers it. */
const silentServer = () =>
  startServer(() => {
    /* no answer, not even headers */
  });

describe("config timeouts", () => {
  it("defaults to the client's own time limits, one source for both", async () => {
    const settings = await settingsWith({});
    const { timeouts, waitTimeoutMs } = meshyClientOptions(settings, { apiBase: "https://api.meshy.ai", apiKey: TEST_KEY });
    expect(timeouts).toEqual(MESHY_CLIENT_DEFAULTS.timeouts);
    expect(waitTimeoutMs).toBe(MESHY_CLIENT_DEFAULTS.waitTimeoutMs);
    expect(settings.timeouts).toEqual(CONFIG_DEFAULTS.timeouts);
  });

  it("passes every setting through", async () => {
    const timeouts = { connectMs: 1, headersMs: 2, bodyMs: 3, streamIdleMs: 4, taskMs: 5 };
    const settings = await settingsWith({ timeouts, apiVersion: 1, requestsPerSecond: 7 });
    expect(meshyClientOptions(settings, { apiBase: "http://127.0.0.1:9", apiKey: TEST_KEY })).toEqual({
      baseUrl: "http://127.0.0.1:9",
      apiKey: TEST_KEY,
      apiVersion: 1,
      requestsPerSecond: 7,
      timeouts: { connectMs: 1, headersMs: 2, bodyMs: 3, streamIdleMs: 4 },
      waitTimeoutMs: 5,
    });
  });

  it("refuses rigup 0.1.0's requestMs, which never had an effect, naming the field (exit 3)", async () => {
    const err = await settingsWith({ timeouts: { requestMs: 1000 } }).then(
      () => undefined,
      (e: unknown) => e as { exitCode?: number; message: string; diagnostics?: { field?: string; message: string }[] },
    );
    expect(err?.exitCode).toBe(3);
    expect(JSON.stringify(err?.diagnostics)).toContain("requestMs");
  });

  it("timeouts.headersMs makes the client give up on an answer that never comes", { timeout: 10_000 }, async () => {
    expect.assertions(3);
    const api = await silentServer();
    const settings = await settingsWith({ timeouts: { headersMs: 200 } });
    // One attempt: retries are not the config's business here.
    const client = new MeshyClient({ ...meshyClientOptions(settings, { apiBase: api.url, apiKey: TEST_KEY }), retries: { get: 1 } });
    try {
      const err = await rejection(client.getTask("rig", "rig-1"));
      expect(err.code).toBe("NETWORK");
      expect(err.message).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
      expect(api.hits).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it("reaches the client the action library is fetched with", { timeout: 10_000 }, async () => {
    expect.assertions(2);
    const api = await silentServer();
    // A config may name a loopback API; the key comes from the environment only.
    const settings = await settingsWith({ apiBase: api.url, timeouts: { headersMs: 200 } }, { MESHY_API_KEY: TEST_KEY });
    const stderr = new Writable({ write: (_chunk, _enc, done) => done() });
    const loaded = await projectLibrary(settings, { stderr, refetch: true });
    // The client's headers timeout, well inside the library fetch's own 5 s deadline (which would say "aborted").
    expect(loaded.from).toBe("snapshot");
    expect(loaded.warning).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
  });
});
