/**
 * Issue 12, as a team runs it: two clones of one game repo sharing one store (a real
 * S3 server on 127.0.0.1 through the AWS SDK, and a folder), the spawned CLI, the
 * emulator as Meshy. What is checked is money and bytes: tasks Meshy made, files
 * byte for byte, the lockfile's ids.
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { recordedFiles } from "../../src/lockfile/units.js";
import { objectKey } from "../../src/store/record.js";
import { tempProject, type TempProject } from "../helpers/project.js";
import { startS3Server, type TestS3Server } from "../helpers/s3-server.js";
import { rigup } from "../helpers/spawn.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const KNIGHT = "  knight: { model: models/knight.glb, actions: [0, 4] }\n";
const GOBLIN = "  goblin: { model: models/goblin.glb, height_meters: 1.1, actions: [2, 16] }\n";
const manifest = (...characters: string[]) => `version: 1\ncharacters:\n${characters.join("")}`;

let emulator: Emulator | undefined;
let s3: TestS3Server | undefined;
afterEach(async () => {
  await emulator?.close();
  await s3?.stop();
  emulator = undefined;
  s3 = undefined;
});

interface Team {
  /** The store as `rigup.config.yaml` names it. */
  config: string;
  /** Environment of every teammate's shell (store credentials, if any). */
  env: Record<string, string>;
  /** Path of a stored object's bytes (to corrupt it), folder stores only. */
  objectPath?: (sha256: string) => string;
}

async function folderTeam(): Promise<Team> {
  const shared = await tempProject();
  await mkdir(join(shared.dir, "store"));
  return {
    config: `store: ${join(shared.dir, "store")}\n`,
    env: {},
    objectPath: (sha) => join(shared.dir, "store", ...objectKey(sha).split("/")),
  };
}

async function s3Team(): Promise<Team> {
  s3 = await startS3Server();
  return {
    config: `store:\n  url: s3://${s3.bucket}/team\n  endpoint: ${s3.endpoint}\n  forcePathStyle: true\n  region: ${s3.region}\n`,
    env: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region },
  };
}

/** A game repo (manifest, models, config) in a fresh folder: what `git clone` gives a teammate. */
async function cloneOf(team: Team, characters: string[], from?: TempProject): Promise<TempProject> {
  const repo = await tempProject({ "characters.yaml": manifest(...characters), "rigup.config.yaml": team.config });
  await repo.model("models/knight.glb");
  await repo.model("models/goblin.glb", 1.1);
  if (from) await cp(join(from.dir, "characters.lock"), join(repo.dir, "characters.lock"));
  return repo;
}

async function startMeshy(speed: "instant" | "fast" = "instant"): Promise<Record<string, string>> {
  emulator = await startEmulator({ speed, rateLimit: 0 });
  return { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
}

/** Every file under `out/`, relative path → bytes. */
async function tree(repo: TempProject): Promise<Map<string, Buffer>> {
  const out = join(repo.dir, "out");
  const files = new Map<string, Buffer>();
  for (const e of await readdir(out, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) files.set(relative(out, join(e.parentPath, e.name)), await readFile(join(e.parentPath, e.name)));
  }
  return files;
}

const tasks = () => emulator!.stats().tasksCreated;

describe.each([
  ["S3 (s3rver through the AWS SDK)", s3Team],
  ["a shared folder", folderTeam],
])("team store on %s", (_name, makeTeam) => {
  it(
    "A builds; Meshy deletes everything; B pulls byte-identical outputs with no Meshy key, paying nothing",
    { timeout: 120_000 },
    async () => {
      const team = await makeTeam();
      const meshy = await startMeshy();
      const a = await cloneOf(team, [KNIGHT, GOBLIN]);
      const built = await rigup(["build", "--yes"], { cwd: a.dir, env: { ...team.env, ...meshy } });
      expect(built.code, built.stderr).toBe(0);
      const lock = await readLockfile(join(a.dir, "characters.lock"));
      // Every output, each character's merged file included.
      const files = recordedFiles(lock).map((r) => r.file);
      expect(files.filter((f) => f.path.endsWith("/knight.glb") && !f.path.includes("/rig/"))).toHaveLength(1);
      expect(files.length).toBeGreaterThan(0);
      // Write-through: every output is in the store before its unit counts as built.
      expect(files.every((f) => f.stored === true)).toBe(true);
      const paid = tasks();
      expect(paid).toEqual({ rig: 2, animation: 4 });

      // Past every task's expiry: Meshy answers 404 for all of them.
      emulator!.advanceClock(90 * DAY_MS);
      const b = await cloneOf(team, [KNIGHT, GOBLIN], a);
      const pulled = await rigup(["pull"], { cwd: b.dir, env: team.env });
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(pulled.stderr).toMatch(/6 units restored/);
      expect(await tree(b)).toEqual(await tree(a));
      expect(tasks()).toEqual(paid);
      // B's tree is simply up to date, offline.
      const check = await rigup(["check"], { cwd: b.dir, env: {} });
      expect(check.code, check.stderr).toBe(0);
      const verify = await rigup(["verify", "--store"], { cwd: b.dir, env: team.env });
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.stderr).toMatch(new RegExp(`all ${files.length} recorded outputs are in`));
    },
  );
});

it("B, on another branch, adds the character A added: adopted from the registry for 0 credits", { timeout: 120_000 }, async () => {
  const team = await folderTeam();
  const meshy = await startMeshy();
  const base = await cloneOf(team, [KNIGHT]);
  expect((await rigup(["build", "--yes"], { cwd: base.dir, env: meshy })).code).toBe(0);

  // Branch a adds the goblin and builds it (paid once, here).
  const a = await cloneOf(team, [KNIGHT, GOBLIN], base);
  // Its pull restores the knight and says the goblin needs a build.
  const pulled = await rigup(["pull"], { cwd: a.dir, env: {} });
  expect(pulled.code).toBe(1);
  expect(pulled.stderr).toMatch(/3 units restored[\s\S]*3 units are not in the store as recorded[\s\S]*goblin\/rig/);
  const builtA = await rigup(["build", "--yes"], { cwd: a.dir, env: meshy });
  expect(builtA.code, builtA.stderr).toBe(0);
  const paid = tasks();
  expect(paid).toEqual({ rig: 2, animation: 4 });

  // Branch b, from the same base, adds the same goblin: the plan says restore, 0 credits.
  const b = await cloneOf(team, [KNIGHT, GOBLIN], base);
  const plan = await rigup(["plan", "--json"], { cwd: b.dir, env: meshy });
  expect(plan.code, plan.stderr).toBe(0);
  const steps = JSON.parse(plan.stdout) as { steps: { key: string; action: string; credits: number }[]; summary: { credits: number } };
  const goblin = steps.steps.filter((s) => s.key.startsWith("goblin/"));
  expect(goblin.map((s) => s.action)).toEqual(["restore", "restore", "restore"]);
  expect(steps.summary.credits).toBe(0);

  const builtB = await rigup(["build", "--yes"], { cwd: b.dir, env: meshy });
  expect(builtB.code, builtB.stderr).toBe(0);
  expect(builtB.stderr).toMatch(/Credits spent: 0/);
  expect(tasks()).toEqual(paid);
  const lockA = await readLockfile(join(a.dir, "characters.lock"));
  const lockB = await readLockfile(join(b.dir, "characters.lock"));
  expect(lockB.characters.goblin!.rig!.task_id).toBe(lockA.characters.goblin!.rig!.task_id);
  expect(lockB.characters.goblin!.animations["action-2"]!.task_id).toBe(lockA.characters.goblin!.animations["action-2"]!.task_id);
  const [treeA, treeB] = [await tree(a), await tree(b)];
  for (const [path, bytes] of treeA) if (path.startsWith("goblin/")) expect(treeB.get(path), path).toEqual(bytes);
});

it(
  "two clones build the same new characters at the same instant on one folder store: one task per unit in all",
  { timeout: 120_000 },
  async () => {
    const team = await folderTeam();
    // Tasks take a while, so both runs are in flight together.
    const meshy = await startMeshy("fast");
    const a = await cloneOf(team, [KNIGHT, GOBLIN]);
    const b = await cloneOf(team, [KNIGHT, GOBLIN]);
    const [ra, rb] = await Promise.all([
      rigup(["build", "--yes"], { cwd: a.dir, env: meshy }),
      rigup(["build", "--yes"], { cwd: b.dir, env: meshy }),
    ]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(tasks()).toEqual({ rig: 2, animation: 4 });
    // The claims did it: one run found the other making a unit and waited for its record.
    expect(ra.stderr + rb.stderr).toMatch(/is making it now \(claimed in the team store\)/);
    expect(await tree(b)).toEqual(await tree(a));
    const [la, lb] = [await readLockfile(join(a.dir, "characters.lock")), await readLockfile(join(b.dir, "characters.lock"))];
    for (const c of ["knight", "goblin"]) expect(lb.characters[c]!.rig!.task_id).toBe(la.characters[c]!.rig!.task_id);
  },
);

it(
  "a store that refuses writes mid-build: nothing paid twice or lost, marked not stored, and the next build pushes",
  { timeout: 120_000 },
  async () => {
    const team = await s3Team();
    const meshy = await startMeshy();
    const a = await cloneOf(team, [KNIGHT, GOBLIN]);
    // Let the first writes through, then refuse every one.
    const env = { ...team.env, ...meshy };
    let seen = 0;
    const timer = setInterval(() => {
      seen = s3!.requests.PUT ?? 0;
      if (seen >= 3) s3!.failWrites(true);
    }, 5);
    const built = await rigup(["build", "--yes"], { cwd: a.dir, env });
    clearInterval(timer);
    expect(seen).toBeGreaterThanOrEqual(3);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/Not stored: \d+ outputs/);
    const lock = await readLockfile(join(a.dir, "characters.lock"));
    const units = Object.values(lock.characters).flatMap((c) => [c.rig!, ...Object.values(c.animations)]);
    expect(units.every((u) => u.state === "succeeded" && u.task_id)).toBe(true);
    const unstored = recordedFiles(lock)
      .map((r) => r.file)
      .filter((f) => !f.stored);
    expect(unstored.length).toBeGreaterThan(0);
    const status = await rigup(["status"], { cwd: a.dir, env: {} });
    expect(status.stderr).toMatch(new RegExp(`${unstored.length} recorded outputs are not stored yet`));
    const paid = tasks();
    expect(paid).toEqual({ rig: 2, animation: 4 });

    s3!.failWrites(false);
    const again = await rigup(["build", "--yes"], { cwd: a.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`Uploaded to the store: ${new Set(unstored.map((f) => f.sha256)).size}`));
    expect(tasks()).toEqual(paid);
    const verify = await rigup(["verify", "--store", "--hash"], { cwd: a.dir, env: team.env });
    expect(verify.code, verify.stderr).toBe(0);
    // And the registry has every unit: a fresh clone of another branch adopts them all.
    const b = await cloneOf(team, [KNIGHT, GOBLIN]);
    const plan = await rigup(["plan", "--json"], { cwd: b.dir, env });
    expect((JSON.parse(plan.stdout) as { summary: { credits: number; restore: number } }).summary).toMatchObject({
      credits: 0,
      restore: 6,
    });
  },
);

/** Clone A builds the knight with a folder store; the faults below damage the stored copy of action-4's GLB. */
async function knightInFolderStore() {
  const team = await folderTeam();
  const meshy = await startMeshy();
  const a = await cloneOf(team, [KNIGHT]);
  expect((await rigup(["build", "--yes"], { cwd: a.dir, env: meshy })).code).toBe(0);
  const lock = await readLockfile(join(a.dir, "characters.lock"));
  const clip = lock.characters.knight!.animations["action-4"]!.files.glb!;
  return { team, meshy, a, lock, clip, object: team.objectPath!(clip.sha256) };
}

it("a corrupted object in the store is refused by its hash, named, and never lands in out/", { timeout: 120_000 }, async () => {
  const { team, a, clip: victim, object } = await knightInFolderStore();
  const bytes = await readFile(object);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
  await writeFile(object, bytes);

  const b = await cloneOf(team, [KNIGHT], a);
  const pulled = await rigup(["pull"], { cwd: b.dir, env: {} });
  expect(pulled.code).toBe(1);
  expect(pulled.stderr).toContain(victim.path);
  expect(pulled.stderr).toMatch(/corrupted/);
  await expect(readFile(join(b.dir, "out", victim.path))).rejects.toMatchObject({ code: "ENOENT" });
  expect((await readdir(join(b.dir, "out", "knight", "animations"))).filter((n) => n.startsWith(".rigup-tmp-"))).toEqual([]);
  const verify = await rigup(["verify", "--store", "--hash"], { cwd: b.dir, env: {} });
  expect(verify.code).toBe(1);
  expect(verify.stderr).toContain(`${victim.path}: the store's copy hashes to`);
});

it(
  "a copy the store lost: pull restores the rest and leaves its unit for rigup build, which fetches it for 0 credits",
  { timeout: 120_000 },
  async () => {
    const { team, meshy, a, lock, clip: lost, object } = await knightInFolderStore();
    const paid = tasks();
    await rm(object);

    // The lockfile still marks it stored: the pull tries it, and the store's answer decides.
    const b = await cloneOf(team, [KNIGHT], a);
    const pulled = await rigup(["pull"], { cwd: b.dir, env: {} });
    expect(pulled.code, pulled.stderr).toBe(1);
    expect(pulled.stderr).toMatch(/2 units restored, 0 up to date, 0 failed/);
    expect(pulled.stderr).toMatch(
      new RegExp(`1 unit is not in the store as recorded[^\\n]*\\n  knight/animations/action-4: .*has no copy of ${lost.path}`),
    );
    await expect(readFile(join(b.dir, "out", lost.path))).rejects.toMatchObject({ code: "ENOENT" });
    // Every other file, byte for byte; the merged character waits for the build that lands its clip.
    const merged = lock.characters.knight!.merged!.file.path;
    expect(pulled.stderr).not.toMatch(/merged: FAILED/);
    const theirs = await tree(a);
    for (const path of [lost.path, merged]) theirs.delete(path.split("/").join(sep));
    expect(await tree(b)).toEqual(theirs);

    // Its task is still at Meshy: a build downloads it (no task made) and puts it back in the store.
    const built = await rigup(["build", "--yes"], { cwd: b.dir, env: meshy });
    expect(built.code, built.stderr).toBe(0);
    expect(await tree(b)).toEqual(await tree(a));
    expect(tasks()).toEqual(paid);
    expect((await rigup(["verify", "--store"], { cwd: b.dir, env: {} })).code).toBe(0);
  },
);

it("wrong store credentials: a clear error naming the store, no secret printed, nothing paid", { timeout: 90_000 }, async () => {
  const team = await s3Team();
  const meshy = await startMeshy();
  const a = await cloneOf(team, [KNIGHT]);
  expect((await rigup(["build", "--yes"], { cwd: a.dir, env: { ...team.env, ...meshy } })).code).toBe(0);
  const paid = tasks();
  const secret = "wrongSecretKeyThatMustNotAppear0123456789";
  const env = { ...team.env, AWS_SECRET_ACCESS_KEY: secret, ...meshy };
  // A clone that pulls, and a branch that would pay for a new character: both must ask the store first.
  const b = await cloneOf(team, [KNIGHT], a);
  const c = await cloneOf(team, [KNIGHT, GOBLIN], a);
  for (const [repo, args] of [
    [b, ["pull"]],
    [c, ["build", "--yes"]],
  ] as const) {
    const run = await rigup([...args], { cwd: repo.dir, env });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`s3://${s3!.bucket}/team`);
    expect(run.stderr).toMatch(/credentials|access key|signature/i);
    // Said once, before anything is planned on the store (a pull asks it once before its 1 GET per file).
    expect(run.stderr.match(/refused the credentials/g)).toHaveLength(1);
    expect(run.stderr).not.toContain(secret);
    expect(run.stderr).not.toContain(s3!.accessKeyId);
    expect(run.stderr).not.toMatch(/internal error/);
  }
  expect(tasks()).toEqual(paid);
});

it(
  "check, status and an up-to-date build never touch the store (it may be unreachable): they stay offline",
  { timeout: 90_000 },
  async () => {
    const team = await folderTeam();
    const meshy = await startMeshy();
    const a = await cloneOf(team, [KNIGHT]);
    expect((await rigup(["build", "--yes"], { cwd: a.dir, env: meshy })).code).toBe(0);
    // The same repo with its store unreachable (S3 on a closed port): anything that asked it would fail.
    await writeFile(
      join(a.dir, "rigup.config.yaml"),
      "store: { url: s3://gone/team, endpoint: http://127.0.0.1:9, forcePathStyle: true, region: us-east-1 }\n",
    );
    for (const args of [["check"], ["build"], ["status"]]) {
      const run = await rigup(args, { cwd: a.dir, env: {} });
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(0);
      expect(run.stderr).not.toMatch(/Team store: /);
    }
  },
);

it(
  "rigup push uploads what the store lacks, never bytes that no longer hash as recorded, and records the units",
  { timeout: 90_000 },
  async () => {
    const team = await folderTeam();
    const meshy = await startMeshy();
    const a = await cloneOf(team, [KNIGHT]);
    // Built without the store: nothing in it yet.
    expect((await rigup(["build", "--yes", "--no-store"], { cwd: a.dir, env: meshy })).code).toBe(0);
    const lock = await readLockfile(join(a.dir, "characters.lock"));
    const files = recordedFiles(lock).map((r) => r.file);
    expect(files.some((f) => f.stored)).toBe(false);
    expect((await rigup(["status"], { cwd: a.dir, env: {} })).stderr).toContain(`${files.length} recorded outputs are not stored yet`);
    // A file changed here since it was recorded must not reach the store as if it were the recorded one.
    const victim = lock.characters.knight!.animations["action-4"]!.files.glb!;
    await writeFile(join(a.dir, "out", victim.path), Buffer.concat([Buffer.from("glTF"), Buffer.alloc(victim.size - 4)]));

    const pushed = await rigup(["push"], { cwd: a.dir, env: {} });
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toMatch(
      new RegExp(`Pushed to .*: ${new Set(files.map((f) => f.sha256)).size - 1} uploaded, 0 already there, 2 units recorded`),
    );
    expect(pushed.stderr).toContain(`not here as recorded, and not in the store: ${victim.path}`);
    const verify = await rigup(["verify", "--store", "--hash"], { cwd: a.dir, env: {} });
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(new RegExp(`^${victim.path}: not in the store`, "m"));
    expect(verify.stderr).toMatch(/1 of \d+ recorded outputs are not in/);
    // Repaired here (from Meshy, free), the next push completes the store.
    expect((await rigup(["build", "--yes", "--no-store"], { cwd: a.dir, env: meshy })).code).toBe(0);
    const again = await rigup(["push"], { cwd: a.dir, env: {} });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/1 uploaded, \d+ already there, 3 units recorded/);
    expect((await rigup(["status"], { cwd: a.dir, env: {} })).stderr).toContain("every recorded output is stored");
    expect(tasks()).toEqual({ rig: 1, animation: 2 });
  },
);
