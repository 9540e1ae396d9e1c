/**
 * Issue 15, "stuck": a task Meshy deleted before its recorded expiry, the escape
 * hatches (`rigup refresh`, `--replace`), and what `verify` finds reaching `build`.
 */
import { readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { MeshyClient } from "../../src/meshy/client.js";
import { tempProject, type TempProject } from "../helpers/project.js";
import { rigup } from "../helpers/spawn.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface Step {
  key: string;
  action: string;
  credits: number;
  reasons: string[];
}

async function built(): Promise<{ project: TempProject; env: Record<string, string> }> {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  const project = await tempProject({
    "characters.yaml": "version: 1\ncharacters:\n  knight: { model: models/knight.glb, actions: [0, 4] }\n",
  });
  await project.model("models/knight.glb");
  const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
  const first = await rigup(["build", "--yes"], { cwd: project.dir, env });
  expect(first.code, first.stderr).toBe(0);
  return { project, env };
}

async function planSteps(project: TempProject, env: Record<string, string>, ...args: string[]): Promise<Step[]> {
  const run = await rigup(["plan", "--json", ...args], { cwd: project.dir, env });
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { steps: Step[] }).steps;
}

async function deleteAtMeshy(kind: "rig" | "animation", id: string): Promise<void> {
  const client = new MeshyClient({ baseUrl: emulator!.url, apiKey: emulator!.apiKey });
  await client.deleteTask(kind, id);
  await client.close();
}

it(
  "a task gone before its expiry: the failed download is recorded, and the next plan shows the paid re-make",
  { timeout: 90_000 },
  async () => {
    const { project, env } = await built();
    const lock = await readLockfile(join(project.dir, "characters.lock"));
    const clip = lock.characters.knight!.animations["action-4"]!;
    await deleteAtMeshy("animation", clip.task_id!);
    await rm(join(project.dir, "out", clip.files.glb!.path));

    // The lockfile still promises the task until its expiry: a free download is planned, and fails.
    expect((await planSteps(project, env)).find((s) => s.key === "knight/animations/action-4")).toMatchObject({
      action: "download",
      credits: 0,
    });
    const failed = await rigup(["build", "--yes"], { cwd: project.dir, env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/is gone/);

    // What the build learned is kept: the plan is the honest, paid one; the id stays on record.
    const step = (await planSteps(project, env)).find((s) => s.key === "knight/animations/action-4")!;
    expect(step).toMatchObject({ action: "replace", credits: 3 });
    expect(step.reasons.join(" ")).toMatch(/gone at Meshy/);
    const after = (await readLockfile(join(project.dir, "characters.lock"))).characters.knight!.animations["action-4"]!;
    expect(after).toMatchObject({ task_id: clip.task_id, gone_at: expect.any(Number) });
    const fixed = await rigup(["build", "--yes"], { cwd: project.dir, env });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(emulator!.stats().tasksCreated).toEqual({ rig: 1, animation: 3 });
    const remade = (await readLockfile(join(project.dir, "characters.lock"))).characters.knight!.animations["action-4"]!;
    expect(remade.history?.map((h) => h.task_id)).toContain(clip.task_id);
  },
);

it("rigup refresh re-reads every recorded task for free and records the gone ones", { timeout: 90_000 }, async () => {
  const { project, env } = await built();
  const lock = await readLockfile(join(project.dir, "characters.lock"));
  const rigId = lock.characters.knight!.rig!.task_id!;
  await deleteAtMeshy("rig", rigId);
  const before = emulator!.stats();

  const run = await rigup(["refresh"], { cwd: project.dir, env });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(new RegExp(`knight/rig: task ${rigId}: GONE`));
  expect(run.stderr).toMatch(/3 recorded tasks read, 1 newly found gone/);
  const after = emulator!.stats();
  expect(after.tasksCreated).toEqual(before.tasksCreated);
  expect(
    Object.entries(after.requests)
      .filter(([k]) => k.startsWith("POST"))
      .map(([, n]) => n),
  ).toEqual(
    Object.entries(before.requests)
      .filter(([k]) => k.startsWith("POST"))
      .map(([, n]) => n),
  );
  expect((await readLockfile(join(project.dir, "characters.lock"))).characters.knight!.rig!.gone_at).toBeGreaterThan(0);

  // Files are all present: nothing to do. Adding an action now needs a re-rig, and the plan says so.
  expect((await planSteps(project, env)).every((s) => s.action === "noop")).toBe(true);
  const json = await rigup(["refresh", "--json"], { cwd: project.dir, env });
  expect(JSON.parse(json.stdout).tasks.find((t: { taskId: string }) => t.taskId === rigId).outcome).toBe("unchanged-gone");
});

it("--replace re-makes a unit on purpose, costed in the plan; an unknown target is an input error", { timeout: 90_000 }, async () => {
  const { project, env } = await built();
  const clipOnly = await planSteps(project, env, "--replace", "knight/animations/action-0");
  expect(clipOnly.filter((s) => s.action !== "noop").map((s) => [s.key, s.action, s.credits])).toEqual([
    ["knight/animations/action-0", "replace", 3],
  ]);
  expect(clipOnly.find((s) => s.key === "knight/animations/action-0")!.reasons).toEqual([
    "--replace knight/animations/action-0: re-made on request",
  ]);

  const whole = await planSteps(project, env, "--replace", "knight");
  expect(whole.filter((s) => s.action === "replace").map((s) => s.key)).toEqual([
    "knight/rig",
    "knight/animations/action-0",
    "knight/animations/action-4",
  ]);

  const bad = await rigup(["build", "--yes", "--replace", "nobody"], { cwd: project.dir, env });
  expect(bad.code).toBe(3);
  expect(bad.stderr).toMatch(/--replace nobody: no such character or unit/);

  const run = await rigup(["build", "--yes", "--replace", "knight/animations/action-0"], { cwd: project.dir, env });
  expect(run.code, run.stderr).toBe(0);
  expect(emulator!.stats().tasksCreated).toEqual({ rig: 1, animation: 3 });
  // Done: the next plan has nothing to do.
  expect((await planSteps(project, env)).every((s) => s.action === "noop")).toBe(true);
});

it(
  "a file changed in place with its size and mtime kept: verify finds it, and the next check and build repair it",
  { timeout: 90_000 },
  async () => {
    const { project, env } = await built();
    const lock = await readLockfile(join(project.dir, "characters.lock"));
    const file = join(project.dir, "out", lock.characters.knight!.rig!.files.glb!.path);
    // A whole-second mtime survives being set again exactly; check then learns it (re-hash, all fine).
    const when = 1_700_000_000;
    await utimes(file, when, when);
    expect((await rigup(["check"], { cwd: project.dir, env })).code).toBe(0);
    const bytes = await readFile(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(file, bytes);
    await utimes(file, when, when);
    expect((await stat(file)).mtimeMs).toBe(when * 1000);

    expect((await rigup(["check"], { cwd: project.dir, env })).code).toBe(0); // size and mtime: it cannot know
    const verify = await rigup(["verify"], { cwd: project.dir, env });
    expect(verify.code).toBe(1);
    const check = await rigup(["check"], { cwd: project.dir, env });
    expect(check.code, check.stderr).toBe(2);
    expect(check.stderr).toMatch(/knight\/rig/);
    const repair = await rigup(["build", "--yes"], { cwd: project.dir, env });
    expect(repair.code, repair.stderr).toBe(0);
    expect((await rigup(["verify"], { cwd: project.dir, env })).code).toBe(0);
    expect(emulator!.stats().tasksCreated).toEqual({ rig: 1, animation: 2 });
  },
);
