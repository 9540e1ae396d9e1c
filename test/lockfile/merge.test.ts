import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConflicted, serializeLockfile } from "../../src/lockfile/format.js";
import { mergeLockfileText, mergeLockfiles } from "../../src/lockfile/merge.js";
import type { Lockfile } from "../../src/lockfile/schema.js";
import { animEntry, lockOf, rigEntry, sha } from "./builders.js";

/** Every task id a lockfile accounts for, current and past. */
function taskIds(lock: Lockfile): string[] {
  const ids = new Set<string>();
  for (const c of Object.values(lock.characters)) {
    for (const u of [c.rig, ...Object.values(c.animations)]) {
      if (u?.task_id) ids.add(u.task_id);
      for (const h of u?.history ?? []) ids.add(h.task_id);
    }
  }
  return [...ids].sort();
}

/** Runs a real `git merge-file` and returns the (possibly conflicted) text. */
function gitMerge(base: Lockfile, ours: Lockfile, theirs: Lockfile): { text: string; conflicts: number } {
  const dir = mkdtempSync(path.join(tmpdir(), "rigup-merge-"));
  try {
    const files = { ours: path.join(dir, "ours"), base: path.join(dir, "base"), theirs: path.join(dir, "theirs") };
    writeFileSync(files.ours, serializeLockfile(ours));
    writeFileSync(files.base, serializeLockfile(base));
    writeFileSync(files.theirs, serializeLockfile(theirs));
    let conflicts = 0;
    try {
      execFileSync("git", ["merge-file", "-L", "ours", "-L", "base", "-L", "theirs", files.ours, files.base, files.theirs]);
    } catch (err) {
      conflicts = (err as { status: number }).status; // git merge-file exits with the number of conflicts
    }
    return { text: readFileSync(files.ours, "utf8"), conflicts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("mergeLockfiles", () => {
  it("unions disjoint lockfiles, commutatively", () => {
    const a = lockOf({ hero: { rig: rigEntry(), animations: { walk: animEntry() } } });
    const b = lockOf({ hero: { animations: { jump: animEntry({ task_id: "anim-j" }) } }, zombie: { rig: rigEntry({ task_id: "rig-z" }) } });
    const merged = mergeLockfiles(a, b);
    expect(merged).toEqual(mergeLockfiles(b, a));
    expect(Object.keys(merged.characters.hero!.animations).sort()).toEqual(["jump", "walk"]);
    expect(taskIds(merged)).toEqual(["anim-1", "anim-j", "rig-1", "rig-z"]);
  });

  it.each([
    ["succeeded beats pending", { state: "succeeded", task_id: "t-a" }, { state: "pending", task_id: "t-b" }],
    ["pending beats unknown", { state: "pending", task_id: "t-a" }, { state: "unknown", task_id: "t-b" }],
    ["intent beats failed", { state: "intent", task_id: undefined, intent_at: 1 }, { state: "failed", task_id: "t-b", intent_at: 9 }],
    ["newer wins a tie", { state: "succeeded", task_id: "t-a", created_at: 900 }, { state: "succeeded", task_id: "t-b", created_at: 100 }],
  ] as const)("%s, and the loser's task id goes to history (both orders)", (_, winner, loser) => {
    const a = lockOf({ hero: { rig: rigEntry(winner) } });
    const b = lockOf({ hero: { rig: rigEntry(loser) } });
    for (const merged of [mergeLockfiles(a, b), mergeLockfiles(b, a)]) {
      const rig = merged.characters.hero!.rig!;
      expect(rig.state).toBe(winner.state);
      expect(rig.task_id).toBe(winner.task_id);
      expect(rig.history?.map((h) => h.task_id)).toEqual(["t-b"]);
    }
  });

  it("unions histories without duplicates, most recent first, every id kept", () => {
    const past = (n: number) => ({ task_id: `p-${n}`, digest: sha("x"), created_at: n });
    const a = lockOf({ hero: { rig: rigEntry({ task_id: "cur", created_at: 1_000, history: [past(1), past(3)] }) } });
    const b = lockOf({
      hero: { rig: rigEntry({ task_id: "cur", created_at: 1_000, history: [past(2), past(3), { ...past(4), task_id: "cur" }] }) },
    });
    expect(mergeLockfiles(a, b).characters.hero!.rig!.history?.map((h) => h.task_id)).toEqual(["p-3", "p-2", "p-1"]);

    const many = (from: number) => Array.from({ length: 12 }, (_, i) => past(from + i));
    const c = lockOf({ hero: { rig: rigEntry({ task_id: "c", history: many(0) }) } });
    const d = lockOf({ hero: { rig: rigEntry({ task_id: "d", created_at: 0, history: many(100) }) } });
    const history = mergeLockfiles(c, d).characters.hero!.rig!.history!;
    // 12 + 12 past tasks and the losing side's current one ("d"): nothing dropped.
    expect(history).toHaveLength(25);
    expect(history[0]!.task_id).toBe("p-111");
  });

  it("keeps the files either side downloaded when both have the same task", () => {
    const glb = { path: "hero/rig/hero.glb", size: 1, sha256: sha("g") };
    const fbx = { path: "hero/rig/hero.fbx", size: 2, sha256: sha("f") };
    const a = lockOf({ hero: { rig: rigEntry({ files: { glb } }) } });
    const b = lockOf({ hero: { rig: rigEntry({ files: { fbx } }) } });
    expect(mergeLockfiles(a, b).characters.hero!.rig!.files).toEqual({ glb, fbx });
    expect(mergeLockfiles(a, b)).toEqual(mergeLockfiles(b, a));
  });
});

describe("mergeLockfileText on a real git conflict", () => {
  const base = lockOf({ hero: { rig: rigEntry({ state: "pending", status: "IN_PROGRESS", task_id: "rig-1" }) } });
  // Ours: the rig finished and was downloaded.
  const ours = lockOf({
    hero: { rig: rigEntry({ task_id: "rig-1", files: { glb: { path: "hero/rig/hero.glb", size: 1, sha256: sha("g") } } }) },
    archer: { rig: rigEntry({ task_id: "rig-archer" }) },
  });
  // Theirs: the model changed and hero was re-rigged; another character added at the same spot.
  const theirs = lockOf({
    hero: {
      rig: rigEntry({
        state: "pending",
        task_id: "rig-2",
        inputs: { source: { file_sha256: sha("m2") }, height_meters: 1.7, texture: null },
        created_at: 5_000,
        history: [{ task_id: "rig-1", digest: sha("d1") }],
      }),
    },
    archie: { rig: rigEntry({ task_id: "rig-archie" }) },
  });

  it("git conflicts, and the merge keeps every task id from both sides", () => {
    const { text, conflicts } = gitMerge(base, ours, theirs);
    expect(conflicts).toBeGreaterThan(0);
    const sides = parseConflicted(text);
    expect(sides.ours).toEqual(ours);
    expect(sides.theirs).toEqual(theirs);
    const merged = mergeLockfileText(text);
    expect(taskIds(merged)).toEqual([...new Set([...taskIds(ours), ...taskIds(theirs)])].sort());
    expect(merged.characters.hero!.rig).toMatchObject({ state: "succeeded", task_id: "rig-1" });
    expect(merged.characters.hero!.rig!.history?.map((h) => h.task_id)).toEqual(["rig-2"]);
  });

  it("also handles diff3-style conflicts (with a base section)", () => {
    const { text } = gitMerge(base, ours, theirs);
    const diff3 = text.replace(/^=======$/m, '||||||| base\n{"broken base": true}\n=======');
    expect(mergeLockfileText(diff3)).toEqual(mergeLockfileText(text));
  });

  it("reports an unclosed conflict with its line", () => {
    expect(() => mergeLockfileText(`{"lockfile_version":1}\n<<<<<<< ours\n`)).toThrow(/line \d+: git conflict not closed/);
  });
});
