/**
 * Issue 15, "losing a paid id": across runs, kills, `--frozen` and an unreachable
 * API, the set of task ids the lockfile ever held only grows.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { parseLockfile } from "../../src/lockfile/format.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { taskIdsOf } from "../../src/lockfile/units.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { rigup, startRigup } from "../helpers/spawn.js";

let emulator: Emulator | undefined;
let standIn: Server | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  standIn?.closeAllConnections();
  await new Promise((r) => (standIn ? standIn.close(r) : r(undefined)));
  standIn = undefined;
});

const manifest = (height: number, actions = "[]") =>
  `version: 1\ncharacters:\n  knight: { model: models/knight.glb, height_meters: ${height}, actions: ${actions} }\n`;

/** A Meshy that answers reads (an empty task list, with its clock) and never answers a create. */
async function silentOnCreates(): Promise<string> {
  standIn = createServer((req, res) => {
    if (req.method === "POST") return; // held open: the answer never comes
    res.writeHead(200, { "content-type": "application/json" });
    res.end("[]");
  });
  await new Promise<void>((r) => standIn!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
}

/** A port nothing listens on: connections are refused. */
async function refusedBase(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}

it(
  "an interrupted replace keeps the previous task id: killed mid-create, --frozen offline, then resumed",
  { timeout: 120_000 },
  async () => {
    emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
    const project = await tempProject({ "characters.yaml": manifest(1.8) });
    await project.model("models/knight.glb");
    const lockFile = join(project.dir, "characters.lock");
    const key = { MESHY_API_KEY: emulator.apiKey };
    const seen = new Set<string>();
    const expectNothingLost = async () => {
      const now = taskIdsOf(await readLockfile(lockFile));
      for (const id of now) seen.add(id);
      for (const id of seen) expect(now, `task ${id} was held before`).toContain(id);
    };

    expect((await rigup(["build", "--yes"], { cwd: project.dir, env: { ...key, MESHY_API_BASE: emulator.url } })).code).toBe(0);
    await expectNothingLost();
    const t1 = (await readLockfile(lockFile)).characters.knight!.rig!.task_id!;

    // Change the height; the create is sent and never answered; rigup is killed once the intent is on disk.
    await project.write("characters.yaml", manifest(1.6));
    const { child, ended } = startRigup(["build", "--yes"], { cwd: project.dir, env: { ...key, MESHY_API_BASE: await silentOnCreates() } });
    for (let i = 0; i < 2_000; i++) {
      const text = await readFile(lockFile, "utf8").catch(() => "");
      if (text.includes(`"state":"intent"`)) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill("SIGKILL");
    await ended;
    const killed = parseLockfile(await readFile(lockFile, "utf8"), "characters.lock");
    expect(killed.characters.knight!.rig!.state).toBe("intent");
    await expectNothingLost();

    // --frozen with the API unreachable: nothing can be settled, nothing is forgotten.
    const frozen = await rigup(["build", "--yes", "--frozen"], { cwd: project.dir, env: { ...key, MESHY_API_BASE: await refusedBase() } });
    expect(frozen.code).not.toBe(0);
    await expectNothingLost();

    // Back online: the lost create is settled (it made nothing), and the replace is made for real.
    const resumed = await rigup(["build", "--yes"], { cwd: project.dir, env: { ...key, MESHY_API_BASE: emulator.url } });
    expect(resumed.code, resumed.stderr).toBe(0);
    await expectNothingLost();
    const rig = (await readLockfile(lockFile)).characters.knight!.rig!;
    expect(rig.task_id).not.toBe(t1);
    expect(rig.history?.map((h) => h.task_id)).toContain(t1);
  },
);

it("keeps every past id: after 12 heights, going back to the first re-downloads its live task for free", { timeout: 120_000 }, async () => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  const project = await tempProject({ "characters.yaml": manifest(1.5) });
  await project.model("models/knight.glb");
  const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
  const heights = Array.from({ length: 12 }, (_, i) => 1.5 + i / 20);
  for (const h of heights) {
    await project.write("characters.yaml", manifest(h));
    const run = await runCli(["build", "--yes"], { cwd: project.dir, env });
    expect(run.code, run.stderr).toBe(0);
  }
  expect(emulator.stats().tasksCreated.rig).toBe(12);
  expect(taskIdsOf(await readLockfile(join(project.dir, "characters.lock"))).size).toBe(12);

  await project.write("characters.yaml", manifest(heights[0]!));
  const plan = await rigup(["plan", "--json"], { cwd: project.dir, env });
  const rig = (JSON.parse(plan.stdout) as { steps: { key: string; action: string; credits: number }[] }).steps.find(
    (s) => s.key === "knight/rig",
  );
  expect(rig).toMatchObject({ action: "download", credits: 0 });
  const back = await rigup(["build", "--yes"], { cwd: project.dir, env });
  expect(back.code, back.stderr).toBe(0);
  expect(emulator.stats().tasksCreated.rig).toBe(12);
});
