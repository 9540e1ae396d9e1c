/**
 * CI progress (issue 10, item 7): a full build of the examples (4 rigs, 10
 * clips: 14 units) prints at most two lines per unit (started with its task id,
 * finished or failed) plus the summary, which says where the files are; a pull
 * of the same units from the team store, one line per unit.
 */
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { spawnRigup } from "../helpers/spawn.js";

const EXAMPLES = join(import.meta.dirname, "../../examples");
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("a 14-unit build in CI mode: two lines per unit and the summary", { timeout: 90_000 }, async () => {
  dir = await mkdtemp(join(tmpdir(), "rigup-ci-lines-"));
  for (const entry of ["characters.yaml", "models", "textures"]) await cp(join(EXAMPLES, entry), join(dir, entry), { recursive: true });
  const run = await spawnRigup(["build", "--emulator"], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);

  const lines = run.stderr.trimEnd().split("\n");
  const progress = lines.slice(lines.findIndex((l) => l.startsWith("Plan: ")) + 1);
  console.log(`CI mode: ${progress.length} progress lines for 14 units`);
  // A unit is named by its key, a clip's with its action's name after it ("… · Idle").
  // Each character's merged file ends the run with one line of its own.
  const merged = progress.filter((l) => /^ *\+\d+\.\ds \S+\/merged: \d+ clips merged into \S+\.glb \(.+\)$/.test(l));
  expect(merged).toHaveLength(4);
  const keys = new Set(
    progress
      .filter((l) => !merged.includes(l))
      .map((l) => /^ *\+\d+\.\ds (\S+\/\S+)(?: · \S+)?: /.exec(l)?.[1])
      .filter(Boolean),
  );
  expect(keys.size).toBe(14);
  for (const key of keys) {
    const mine = progress.filter((l) => l.includes(` ${key}: `) || l.includes(` ${key} · `));
    expect(mine, key).toEqual([
      expect.stringMatching(/: task \S+ created \(\d credits\)$/),
      expect.stringMatching(/: created · \d+ files? \(.+\) · task \S+$/),
    ]);
  }
  expect(progress).toHaveLength(2 * 14 + 4 + 1);
  expect(progress.at(-1)).toMatch(/Done: 14 created, .*4 merged.* Files written: \d+ \(.+\) in out\/\. Wall time/);
});

it("a pull in CI mode: one line per unit restored from the team store, and the summary", { timeout: 90_000 }, async () => {
  dir = await mkdtemp(join(tmpdir(), "rigup-ci-lines-"));
  for (const entry of ["characters.yaml", "models", "textures"]) await cp(join(EXAMPLES, entry), join(dir, entry), { recursive: true });
  const store = join(dir, "store");
  await mkdir(store);
  const built = await spawnRigup(["build", "--emulator", "--store", store], { cwd: dir });
  expect(built.code, built.stderr).toBe(0);
  await rm(join(dir, "out"), { recursive: true });

  const pulled = await spawnRigup(["pull", "--store", store], { cwd: dir });
  expect(pulled.code, pulled.stderr).toBe(0);
  const units = pulled.stderr.split("\n").filter((l) => /^ *\+\d+\.\ds \S+\/(rig|animations\/\S+)(?: · \S+)?: /.test(l));
  expect(units).toHaveLength(14);
  expect(units.every((l) => /: restored · \d+ files? \(.+\) · task \S+$/.test(l))).toBe(true);
  expect(pulled.stderr).toMatch(/Pulled from .+: 14 units restored, 0 up to date, 0 failed\./);

  // Again, with one clip gone: the rest counts as up to date, here and in the run's summary.
  await rm(join(dir, "out/knight/animations/action-0.glb"));
  const again = await spawnRigup(["pull", "--store", store], { cwd: dir });
  expect(again.code, again.stderr).toBe(0);
  expect(again.stderr).toMatch(/Done: 0 created, 0 downloaded, 1 restored from the store, .*13 up to date, 0 failed\./);
  expect(again.stderr).toMatch(/Pulled from .+: 1 unit restored, 13 up to date, 0 failed\./);
});
