/**
 * `--shard i/n` and `rigup lock merge` for a CI matrix: three copies of one game
 * repo each build their shard against the same Meshy account (one emulator on
 * 127.0.0.1); the merged shard lockfiles equal one unsharded build's.
 */
import { recordedFiles } from "../../src/lockfile/units.js";
import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { EXIT } from "../../src/diagnostics/errors.js";
import { readLockfile } from "../../src/lockfile/read.js";
import type { Lockfile } from "../../src/lockfile/schema.js";
import { parseShard, shardOf } from "../../src/plan/shard.js";
import type { Plan } from "../../src/plan/types.js";
import { runCli } from "../helpers/cli.js";
import { tempProject, type TempProject } from "../helpers/project.js";
import { posts } from "../helpers/assert.js";

// With n = 3: goblin and mage -> 1, hero -> 2, knight -> 3 (asserted below), so every shard has work.
const CHARACTERS = { hero: "[0, 4]", goblin: "[2]", knight: "[8, 16]", mage: "[0]" } as const;
const UNITS = 4 + 6;
const manifest = (chars: Record<string, string>) =>
  `version: 1\ncharacters:\n${Object.entries(chars)
    .map(([name, actions]) => `  ${name}:\n    model: models/${name}.glb\n    actions: ${actions}\n`)
    .join("")}`;

let emulator: Emulator;
let env: Record<string, string>;
const extraDirs: string[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
});
afterEach(async () => {
  await emulator.close();
});
afterAll(async () => {
  await Promise.all(extraDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function gameRepo(chars: Record<string, string> = CHARACTERS): Promise<TempProject> {
  const project = await tempProject({ "characters.yaml": manifest(chars) });
  for (const name of Object.keys(chars)) await project.model(`models/${name}.glb`);
  return project;
}

async function copyOf(dir: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), "rigup-shard-"));
  extraDirs.push(copy);
  await cp(dir, copy, { recursive: true });
  return copy;
}

/** out-relative path -> sha256 of every file under <dir>/out. */
async function outputTree(dir: string): Promise<Map<string, string>> {
  const root = join(dir, "out");
  const tree = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = join(entry.parentPath, entry.name);
    tree.set(
      relative(root, abs),
      createHash("sha256")
        .update(await readFile(abs))
        .digest("hex"),
    );
  }
  return tree;
}

/**
 * A lockfile as comparable data across separate builds: units, states, input
 * digests and file paths. Not task ids and times, nor file hashes: outputs are
 * made per task (the emulator seeds them with the task id, as Meshy's differ per task).
 */
function units(lock: Lockfile) {
  return Object.fromEntries(
    Object.entries(lock.characters).flatMap(([name, c]) =>
      [
        ...(c.rig ? [[`${name}/rig`, c.rig] as const] : []),
        ...Object.entries(c.animations).map(([clip, a]) => [`${name}/animations/${clip}`, a] as const),
      ].map(([key, u]) => [
        key,
        {
          state: u.state,
          digest: u.digest,
          inputs: u.inputs,
          files: Object.fromEntries(Object.entries(u.files).map(([role, f]) => [role, f.path])),
        },
      ]),
    ),
  );
}

const shardCharacters = async (dir: string, shard: string) => {
  const run = await runCli(["plan", "--json", "--shard", shard], { cwd: dir, env });
  expect(run.code, run.stderr).toBe(0);
  return [...new Set((JSON.parse(run.stdout) as Plan).steps.map((s) => s.character))].sort();
};

describe("--shard i/n", () => {
  it("parses i/n and refuses anything else as a usage error (exit 3)", async () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "3", "a/b", "1/0", "-1/3"]) expect(() => parseShard(bad)).toThrow(/--shard must be i\/n/);
    const project = await gameRepo();
    const run = await runCli(["build", "--shard", "4/3"], { cwd: project.dir, env });
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).toContain("--shard must be i/n");
    expect(posts(emulator.stats())).toBe(0);
  });

  it("assigns characters by name only: the same under reordering, and an added character moves nobody", async () => {
    const project = await gameRepo();
    const before = await Promise.all(["1/3", "2/3", "3/3"].map((s) => shardCharacters(project.dir, s)));
    expect(before).toEqual([["goblin", "mage"], ["hero"], ["knight"]]);

    const reordered = Object.fromEntries(Object.entries({ ...CHARACTERS, troll: "[0]", elf: "[0]" }).reverse());
    await project.write("characters.yaml", manifest(reordered));
    await project.model("models/troll.glb");
    await project.model("models/elf.glb");
    const after = await Promise.all(["1/3", "2/3", "3/3"].map((s) => shardCharacters(project.dir, s)));
    // Every old character stays where it was; the new ones land by their own hash.
    after.forEach((names, i) => expect(names).toEqual([...before[i]!, ...["elf", "troll"].filter((n) => shardOf(n, 3) === i + 1)].sort()));
    expect(after.flat().sort()).toEqual(Object.keys(reordered).sort());
  });

  it("3 shards built in 3 copies, merged, equal one unsharded build; POSTs = units; outputs partition the tree", async () => {
    const project = await gameRepo();
    const copies = await Promise.all([1, 2, 3].map(() => copyOf(project.dir)));

    for (const [i, dir] of copies.entries()) {
      const run = await runCli(["build", "--yes", "--shard", `${i + 1}/3`], { cwd: dir, env });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`Shard ${i + 1}/3: `);
    }
    // Each unit paid once across the matrix, and nothing twice.
    expect(posts(emulator.stats())).toBe(UNITS);
    expect(Math.max(...Object.values(emulator.stats().tasksByInput))).toBe(1);
    const shardLocks = await Promise.all(copies.map((dir) => readLockfile(join(dir, "characters.lock"))));
    shardLocks.forEach((lock, i) => expect(Object.keys(lock.characters).every((name) => shardOf(name, 3) === i + 1)).toBe(true));

    const mergeDir = await copyOf(project.dir);
    const merge = await runCli(["lock", "merge", ...copies.map((d) => join(d, "characters.lock")), "-o", "merged.lock"], {
      cwd: mergeDir,
      env,
    });
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stderr).toContain(`Merged 3 lockfiles into merged.lock: ${UNITS} units, ${UNITS} task ids.`);
    const merged = await readLockfile(join(mergeDir, "merged.lock"));
    // Each character comes from its shard untouched: task ids, times, file hashes.
    expect(merged.characters).toEqual(Object.assign({}, ...shardLocks.map((l) => l.characters)));

    // The reference: the same repo built in one go, on its own account.
    const solo = await startEmulator({ speed: "instant", rateLimit: 0 });
    try {
      const run = await runCli(["build", "--yes"], { cwd: project.dir, env: { MESHY_API_BASE: solo.url, MESHY_API_KEY: solo.apiKey } });
      expect(run.code, run.stderr).toBe(0);
    } finally {
      await solo.close();
    }
    const reference = await readLockfile(join(project.dir, "characters.lock"));
    expect(Object.keys(units(reference))).toHaveLength(UNITS);
    expect(units(merged)).toEqual(units(reference));

    // The shards' outputs are disjoint, are what the merged lockfile records, and cover the unsharded tree.
    const union = new Map<string, string>();
    for (const dir of copies) {
      for (const [path, hash] of await outputTree(dir)) {
        expect(union.has(path), path).toBe(false);
        union.set(path, hash);
      }
    }
    const recorded = recordedFiles(merged).map((r) => r.file);
    expect(Object.fromEntries(union)).toEqual(Object.fromEntries(recorded.map((f) => [f.path, f.sha256])));
    expect([...union.keys()].sort()).toEqual([...(await outputTree(project.dir)).keys()].sort());
  });

  it("a shard's run leaves every other character's lockfile lines exactly as they were", async () => {
    const project = await gameRepo();
    expect((await runCli(["build", "--yes"], { cwd: project.dir, env })).code).toBe(0);
    const lockPath = join(project.dir, "characters.lock");
    const linesOf = async (name: string) =>
      (await readFile(lockPath, "utf8")).split("\n").filter((l) => l.includes(`"character":"${name}"`));
    const others = ["goblin", "knight", "mage"];
    const before = await Promise.all(others.map(linesOf));
    // Every character gets a new clip, but only shard 2 (hero) may make its own.
    await project.write("characters.yaml", manifest({ hero: "[0, 4, 1]", goblin: "[2, 1]", knight: "[8, 16, 1]", mage: "[0, 1]" }));
    const created = posts(emulator.stats());

    const run = await runCli(["build", "--yes", "--shard", "2/3"], { cwd: project.dir, env });

    expect(run.code, run.stderr).toBe(0);
    expect(posts(emulator.stats()) - created).toBe(1);
    expect(await Promise.all(others.map(linesOf))).toEqual(before);
    expect(Object.keys((await readLockfile(lockPath)).characters.hero!.animations)).toContain("action-1");
  });
});
