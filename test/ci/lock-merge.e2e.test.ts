/**
 * `rigup lock merge` in a real git repo: two branches each add a character and
 * build it (paying for its tasks), `git merge` conflicts in characters.lock,
 * `rigup lock merge` resolves it keeping every task id, and a frozen build of the
 * result needs no new task. Also: what it refuses to merge.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { EXIT } from "../../src/diagnostics/errors.js";
import { parseLockfile } from "../../src/lockfile/format.js";
import { readLockfile } from "../../src/lockfile/read.js";
import type { Lockfile } from "../../src/lockfile/schema.js";
import { runCli } from "../helpers/cli.js";
import { tempProject, type TempProject } from "../helpers/project.js";
import { expectTreeMatchesLock, posts } from "../helpers/assert.js";

const run = promisify(execFile);

// alpha goes above hero and beta below it, so the manifest merges cleanly; in the
// lockfile (sorted by name) both land between the version line and hero: a conflict.
const HERO = "  hero:\n    model: models/hero.glb\n    actions: [0]\n";
const manifest = ({ alpha = false, beta = false }) =>
  `version: 1\ncharacters:\n${alpha ? "  alpha:\n    model: models/alpha.glb\n    actions: [4]\n" : ""}${HERO}` +
  `${beta ? "  beta:\n    model: models/beta.glb\n    actions: [2, 8]\n" : ""}`;

let emulator: Emulator;
let project: TempProject;
let env: Record<string, string>;

beforeEach(async () => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
  project = await tempProject({ "characters.yaml": manifest({}), ".gitignore": "out/\n.rigup/\n" });
});
afterEach(async () => {
  await emulator.close();
});

const git = async (...args: string[]) => (await run("git", args, { cwd: project.dir })).stdout;
const rigup = (...args: string[]) => runCli(args, { cwd: project.dir, env });

/** Every task id a lockfile records, current or in history. */
function taskIds(lock: Lockfile): string[] {
  return Object.values(lock.characters)
    .flatMap((c) =>
      [c.rig, ...Object.values(c.animations)].flatMap((u) => (u ? [u.task_id, ...(u.history ?? []).map((h) => h.task_id)] : [])),
    )
    .filter((id): id is string => id !== undefined);
}

async function buildAndCommit(message: string): Promise<void> {
  const built = await rigup("build", "--yes");
  expect(built.code, built.stderr).toBe(0);
  await git("add", "-A");
  await git("commit", "-q", "-m", message);
}

describe("rigup lock merge", () => {
  it("resolves a real git conflict in characters.lock, keeping every task id; then --frozen builds with 0 POSTs", async () => {
    await git("init", "-q", "-b", "main");
    for (const [k, v] of [
      ["user.name", "rigup test"],
      ["user.email", "test@example.invalid"],
      ["commit.gpgsign", "false"],
    ])
      await git("config", k!, v!);
    await project.model("models/hero.glb");
    await buildAndCommit("hero");

    await git("checkout", "-q", "-b", "alpha");
    await project.model("models/alpha.glb");
    await project.write("characters.yaml", manifest({ alpha: true }));
    await buildAndCommit("add alpha");

    await git("checkout", "-q", "main");
    await git("checkout", "-q", "-b", "beta");
    await project.model("models/beta.glb");
    await project.write("characters.yaml", manifest({ beta: true }));
    await buildAndCommit("add beta");

    const ours = parseLockfile(await git("show", "alpha:characters.lock"), "ours");
    const theirs = parseLockfile(await git("show", "beta:characters.lock"), "theirs");
    await git("checkout", "-q", "alpha");
    const merge = await run("git", ["merge", "--no-edit", "beta"], { cwd: project.dir }).then(
      () => ({ conflicted: false, out: "" }),
      (err: { stdout: string }) => ({ conflicted: true, out: err.stdout }),
    );
    expect(merge.conflicted).toBe(true);
    expect(merge.out).toContain("CONFLICT (content): Merge conflict in characters.lock");
    expect(await git("diff", "--name-only", "--diff-filter=U")).toBe("characters.lock\n");
    // A build refuses to read a conflicted lockfile and points at the fix.
    const blocked = await rigup("plan");
    expect(blocked.code).toBe(EXIT.INVALID_INPUT);
    expect(blocked.stderr).toContain("rigup lock merge");

    const resolved = await rigup("lock", "merge");
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stderr).toContain(
      "Resolved the merge conflict in characters.lock: every task id from both sides is kept (7 units, 7 task ids).",
    );

    const lockText = await readFile(join(project.dir, "characters.lock"), "utf8");
    expect(lockText).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    const merged = parseLockfile(lockText, "characters.lock");
    expect(new Set(taskIds(merged))).toEqual(new Set([...taskIds(ours), ...taskIds(theirs)]));
    expect(Object.keys(merged.characters).sort()).toEqual(["alpha", "beta", "hero"]);

    // The merged manifest and lockfile agree: CI's frozen build needs no new task, only downloads.
    const before = posts(emulator.stats());
    const frozen = await rigup("build", "--frozen");
    expect(frozen.code, frozen.stderr).toBe(0);
    expect(posts(emulator.stats())).toBe(before);
    await expectTreeMatchesLock(project.dir, await readLockfile(join(project.dir, "characters.lock")));

    await git("add", "characters.lock");
    await git("commit", "-q", "--no-edit");
    const again = await rigup("lock", "merge", "--git");
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("characters.lock has no merge conflict; nothing to do.");
  });

  it("refuses a file that is not a lockfile, and writes nothing", async () => {
    await project.model("models/hero.glb");
    expect((await rigup("build", "--yes")).code).toBe(0);
    const lockBefore = await readFile(join(project.dir, "characters.lock"), "utf8");
    await project.write("empty.lock", "");

    for (const [args, what] of [
      [["characters.yaml"], "characters.yaml is not a rigup lockfile: line 1: not valid JSON"],
      [["models/hero.glb"], "hero.glb is not a rigup lockfile"],
      [["empty.lock"], "empty.lock is not a rigup lockfile: it has no lockfile_version line"],
      [["characters.lock", "-o", "characters.yaml"], "characters.yaml is not a rigup lockfile"],
      [["missing.lock"], "missing.lock: no such file"],
    ] as const) {
      const refused = await rigup("lock", "merge", ...args);
      expect(refused.code, args.join(" ")).toBe(EXIT.INVALID_INPUT);
      expect(refused.stderr).toContain(what);
    }
    expect(await readFile(join(project.dir, "characters.lock"), "utf8")).toBe(lockBefore);
    expect(await readFile(join(project.dir, "characters.yaml"), "utf8")).toBe(manifest({}));

    const usage = await rigup("lock", "merge", "--git", "characters.lock");
    expect(usage.code).toBe(EXIT.INVALID_INPUT);
    expect(usage.stderr).toContain("--git resolves the project's lockfile in place; it takes no files");
  });
});
