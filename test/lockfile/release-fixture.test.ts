/**
 * The lockfile format, pinned by a project that rigup 0.1.0 built (git 5173e48):
 * test/fixtures/release-0.1.0/ holds its characters.yaml, model, characters.lock and
 * out/ tree, exactly as that release wrote them (`rigup build --yes` against
 * `rigup emulator` named by MESHY_API_BASE, so the lockfile is a real-Meshy one:
 * one character, one action, merged by default). Today's rigup must read it as
 * up to date, offline and without a key, and must not rewrite a byte of it.
 */
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { rigup } from "../helpers/spawn.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/release-0.1.0");

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh copy of the fixture: new mtimes and no stat cache, so every file is hashed again. */
async function releaseProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rigup-release-"));
  dirs.push(dir);
  await cp(FIXTURE, dir, { recursive: true });
  return dir;
}

interface PlanJson {
  steps: { key: string; action: string; credits: number }[];
  merges: unknown[];
  summary: Record<string, number>;
  warnings: { code: string }[];
}

it("a project built by rigup 0.1.0 plans as no changes, checks clean, and keeps its lockfile bytes", { timeout: 90_000 }, async () => {
  const dir = await releaseProject();
  const lockfile = join(dir, "characters.lock");
  const before = await readFile(lockfile);
  // No key, no store: nothing here may need the network.
  const opts = { cwd: dir, env: { HOME: dir } };

  const plan = await rigup(["plan", "--no-store"], opts);
  expect(plan.code, plan.stderr).toBe(0);
  expect(plan.stdout + plan.stderr).toMatch(/No changes\./);

  const json = await rigup(["plan", "--json", "--no-store"], opts);
  expect(json.code, json.stderr).toBe(0);
  const parsed = JSON.parse(json.stdout) as PlanJson;
  expect(parsed.steps.filter((s) => s.action !== "noop")).toEqual([]);
  expect(parsed.steps.map((s) => s.key).sort()).toEqual(["hero/animations/action-0", "hero/rig"]);
  expect(parsed.merges).toEqual([]);
  expect(parsed.summary).toMatchObject({
    create: 0,
    replace: 0,
    restore: 0,
    download: 0,
    resume: 0,
    reconcile: 0,
    prune: 0,
    merge: 0,
    credits: 0,
  });
  // The only thing time changes: the rig's expiry draws near (then passes, with no warning: its files stay good).
  expect(parsed.warnings.filter((w) => w.code !== "rig-expiring")).toEqual([]);

  const check = await rigup(["check"], opts);
  expect(check.code, check.stderr).toBe(0);

  expect(Buffer.compare(await readFile(lockfile), before)).toBe(0);
  // The fixture itself is what the release wrote (the copy above did not touch it).
  expect(Buffer.compare(await readFile(join(FIXTURE, "characters.lock")), before)).toBe(0);
});
