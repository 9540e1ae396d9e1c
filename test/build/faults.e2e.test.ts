/**
 * Builds under injected faults. Whatever goes wrong on the wire, each run must
 * end with: every output present and matching its hash, a valid lockfile, and
 * exactly one task created per distinct unit (no duplicate paid task).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type FaultsPatch } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { runCli } from "../helpers/cli.js";
import { TWO_CHARACTERS, twoCharacterProject } from "../helpers/project.js";
import { expectTreeMatchesLock } from "../helpers/assert.js";

const UNITS = TWO_CHARACTERS.units;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function buildUnder(faults: FaultsPatch, version: number, runs = 1) {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0, faults });
  const project = await twoCharacterProject();
  const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey, MESHY_API_VERSION: String(version) };
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await runCli(["build", "--yes"], { cwd: project.dir, env }));
  const lock = await readLockfile(join(project.dir, "characters.lock"));
  return { project, results, lock, stats: emulator.stats() };
}

async function expectNoTempFiles(dir: string) {
  const files = await readdir(join(dir, "out"), { recursive: true });
  expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
}

describe.each([1, 2])("fault injection, API v%i", (version) => {
  it.each<[string, FaultsPatch]>([
    ["a storm of 429 RateLimitExceeded", { rate429: 0.3 }],
    ["5xx on a quarter of requests", { rate5xx: 0.25 }],
    ["dropped streams", { dropStream: 0.5 }],
    [
      "expired signed URLs",
      {
        expiredUrls: 0.1,
        script: [1, 2, 3, 5, 8, 13].map((nth) => ({ match: "GET assets", nth, fault: "expired-url" as const })),
      },
    ],
    ["slow downloads", { slowDownloadBps: 400_000 }],
    ["downloads cut off midway", { script: [1, 2, 4, 9].map((nth) => ({ match: "GET assets", nth, fault: "drop-stream" as const })) }],
    ["lost POST answers", { lostPost: 0.4 }],
  ])("%s: completes with no duplicate task", async (_name, faults) => {
    const { project, results, lock, stats } = await buildUnder(faults, version);
    const last = results.at(-1)!;
    expect(last.code, last.stderr).toBe(0);
    expect(stats.tasksCreated).toEqual(UNITS);
    expect(Math.max(...Object.values(stats.tasksByInput))).toBe(1);
    expect(await expectTreeMatchesLock(project.dir, lock)).toBeGreaterThan(0);
    await expectNoTempFiles(project.dir);
  });

  it("every fault at once, then a clean re-run: still one task per unit", async () => {
    const { project, results, lock, stats } = await buildUnder(
      { rate429: 0.1, rate5xx: 0.05, dropStream: 0.1, lostPost: 0.2, expiredUrls: 0.1 },
      version,
      2,
    );
    expect(results.at(-1)!.code, results.at(-1)!.stderr).toBe(0);
    expect(stats.tasksCreated).toEqual(UNITS);
    await expectTreeMatchesLock(project.dir, lock);
  });

  it("a failing task does not stop the others; the failure is recorded and exits 1", async () => {
    emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
    const project = await twoCharacterProject();
    emulator.setFaults({ rejectInputs: [] });
    // The goblin's model is refused as "not a humanoid" (422).
    const { createHash } = await import("node:crypto");
    const { readFile } = await import("node:fs/promises");
    const goblinSha = createHash("sha256")
      .update(await readFile(join(project.dir, "models/goblin.glb")))
      .digest("hex");
    emulator.setFaults({ rejectInputs: [goblinSha] });
    const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey, MESHY_API_VERSION: String(version) };
    const run = await runCli(["build", "--yes"], { cwd: project.dir, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/goblin\/rig: FAILED: .*Pose estimation failed/);
    const lock = await readLockfile(join(project.dir, "characters.lock"));
    expect(lock.characters.goblin!.rig!.state).toBe("failed");
    expect(lock.characters.goblin!.rig!.error?.message).toMatch(/Pose estimation/);
    expect(lock.characters.hero!.rig!.state).toBe("succeeded");
    expect(Object.values(lock.characters.hero!.animations).every((a) => a.state === "succeeded")).toBe(true);
    expect(emulator.stats().tasksCreated).toEqual({ rig: 1, animation: 3 });
  });

  it("a bad API key stops the run before anything is created (exit 6)", async () => {
    emulator = await startEmulator({ speed: "instant", rateLimit: 0, apiKeys: ["msy_the_real_key"] });
    const project = await twoCharacterProject();
    const run = await runCli(["build", "--yes"], {
      cwd: project.dir,
      env: { MESHY_API_BASE: emulator.url, MESHY_API_KEY: "msy_wrong_key_123456", MESHY_API_VERSION: String(version) },
    });
    expect(run.code).toBe(6);
    expect(run.stderr).not.toContain("msy_wrong_key_123456");
    expect(emulator.stats().tasksCreated).toEqual({ rig: 0, animation: 0 });
  });
});
