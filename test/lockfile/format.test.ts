import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/diagnostics/errors.js";
import { LOCKFILE_HEADER, parseLockfile, serializeLockfile } from "../../src/lockfile/format.js";
import { emptyLockfile, type Lockfile } from "../../src/lockfile/schema.js";
import { animEntry, lockOf, rigEntry, sha } from "./builders.js";

const base = () =>
  lockOf({
    hero: {
      rig: rigEntry({ files: { glb: { path: "hero/rig/hero.glb", size: 10, sha256: sha("f1") } } }),
      animations: {
        walk: animEntry(),
        attack: animEntry({ task_id: "anim-2", inputs: { action_id: 92, post_process: { operation_type: "change_fps", fps: 24 } } }),
      },
    },
    knight: { rig: rigEntry({ task_id: "rig-k" }) },
  });

function parseError(text: string): UserError {
  try {
    parseLockfile(text, "characters.lock");
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error("expected a UserError");
}

const withVersion = (...lines: string[]) => [...LOCKFILE_HEADER, `{"lockfile_version":1}`, ...lines, ""].join("\n");

function keysSortedDeep(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(keysSortedDeep);
  const keys = Object.keys(value);
  return keys.join("\0") === [...keys].sort().join("\0") && Object.values(value).every(keysSortedDeep);
}

describe("serializeLockfile / parseLockfile", () => {
  it("round-trips and gives the same bytes again", () => {
    const text = serializeLockfile(base());
    const parsed = parseLockfile(text, "characters.lock");
    expect(parsed).toEqual(base());
    expect(serializeLockfile(parsed)).toBe(text);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("gives the pinned bytes (digests and layout must never drift)", () => {
    // Computed before the canonical-JSON copies were merged into text/canonical-json.ts.
    const text = serializeLockfile(base());
    expect(createHash("sha256").update(text).digest("hex")).toBe("c6ed9466aa21e19b54ae3ff3610ef824f30caeab28a894c6f55c5f35c199842f");
    expect(text).toContain(`"digest":"65cf93880be3cd33947d4a0caadee8525a55c684ba7863c2c26639d59b87e2d3"`);
  });

  it("does not depend on key or insertion order", () => {
    const a = base();
    const b: Lockfile = { characters: {}, lockfile_version: 3 };
    for (const name of Object.keys(a.characters).reverse()) {
      const c = a.characters[name]!;
      const animations = Object.fromEntries(
        Object.entries(c.animations)
          .reverse()
          .map(([k, v]) => [k, Object.fromEntries(Object.entries(v).reverse())]),
      ) as typeof c.animations;
      b.characters[name] = { animations, ...(c.rig ? { rig: c.rig } : {}) };
    }
    expect(serializeLockfile(b)).toBe(serializeLockfile(a));
  });

  it("writes header, version line, then units sorted with keys sorted at every level", () => {
    const lines = serializeLockfile(base()).trimEnd().split("\n");
    expect(lines.slice(0, 4)).toEqual([...LOCKFILE_HEADER, `{"lockfile_version":3}`]);
    expect(lines.at(-1)).toBe(`{"lockfile_end":true}`);
    const units = lines.slice(4, -1).map((l) => JSON.parse(l) as { character: string; kind: string; name?: string });
    expect(units.map((u) => `${u.character}/${u.kind}/${u.name ?? ""}`)).toEqual([
      "hero/rig/",
      "hero/animation/attack",
      "hero/animation/walk",
      "knight/rig/",
    ]);
    expect(lines.slice(4, -1).every((l) => keysSortedDeep(JSON.parse(l)))).toBe(true);
    expect(lines[5]).toMatch(/^\{"character":"hero","created_at":2100,"credits"|^\{"character":"hero","created_at":2100,"digest"/);
  });

  it("reads an empty lockfile and CRLF line ends; a version-1 file (no end line) still reads", () => {
    expect(parseLockfile(serializeLockfile(emptyLockfile()), "f")).toEqual(emptyLockfile());
    expect(parseLockfile(serializeLockfile(base()).replace(/\n/g, "\r\n"), "f")).toEqual(base());
    const v1 = serializeLockfile(base()).replace(`{"lockfile_version":3}`, `{"lockfile_version":1}`).replace(`{"lockfile_end":true}\n`, "");
    expect(parseLockfile(v1, "f")).toEqual(base());
  });

  it("refuses a damaged file instead of reading it as fewer units built", () => {
    const text = serializeLockfile(base());
    expect(parseError("").message).toMatch(/characters\.lock is damaged: it is empty \(0 bytes\)/);
    expect(parseError("\n\n").code).toBe("LOCKFILE_DAMAGED");
    expect(parseError("# just a comment\n").message).toMatch(/no version line/);
    // Cut at every line boundary before the end line: always refused.
    const lines = text.split("\n");
    for (let keep = 1; keep < lines.length - 2; keep++) {
      const cut = `${lines.slice(0, keep).join("\n")}\n`;
      expect(parseError(cut).code).toMatch(/^LOCKFILE_(DAMAGED)$/);
    }
    expect(parseError(`${text}{"lockfile_end":true}\n`).message).toMatch(/data after the end line/);
  });

  it("refuses an entry whose digest is not that of its inputs (hand-edited)", () => {
    const edited = serializeLockfile(base()).replace(`"height_meters":1.7`, `"height_meters":1.8`);
    const err = parseError(edited);
    expect(err.code).toBe("LOCKFILE_INVALID");
    expect(err.message).toMatch(/line 5, digest: digest does not match inputs/);
    expect(err.hint).toMatch(/git checkout -- <file>/);
  });

  it("adding different characters on two branches only inserts lines, and git merges them cleanly", () => {
    const baseText = serializeLockfile(base());
    const ours = base();
    ours.characters.archer = { rig: rigEntry({ task_id: "rig-a" }), animations: {} };
    const theirs = base();
    theirs.characters.zombie = { rig: rigEntry({ task_id: "rig-z" }), animations: { bite: animEntry({ task_id: "anim-z" }) } };
    const oursText = serializeLockfile(ours);
    const theirsText = serializeLockfile(theirs);
    // Tiny line diff: the base lines survive, unchanged and in order; everything else is an insertion.
    for (const branch of [oursText, theirsText]) {
      const lines = branch.split("\n");
      let i = 0;
      for (const line of lines) if (line === baseText.split("\n")[i]) i++;
      expect(i).toBe(baseText.split("\n").length);
    }
    const dir = mkdtempSync(path.join(tmpdir(), "rigup-merge-"));
    try {
      const [o, b, t] = ["ours", "base", "theirs"].map((n) => path.join(dir, n));
      writeFileSync(o!, oursText);
      writeFileSync(b!, baseText);
      writeFileSync(t!, theirsText);
      execFileSync("git", ["merge-file", o!, b!, t!]); // throws on a conflict (non-zero exit)
      const merged = parseLockfile(readFileSync(o!, "utf8"), "merged");
      expect(Object.keys(merged.characters).sort()).toEqual(["archer", "hero", "knight", "zombie"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("parseLockfile errors", () => {
  it("names the line and the field of an invalid unit", () => {
    const bad = JSON.stringify({
      ...animEntry(),
      character: "hero",
      kind: "animation",
      name: "walk",
      inputs: { action_id: "4", post_process: null },
    });
    const err = parseError(withVersion(bad));
    expect(err.code).toBe("LOCKFILE_INVALID");
    expect(err.diagnostics[0]).toMatchObject({ file: "characters.lock", line: 5, field: "inputs.action_id" });
    expect(err.message).toMatch(/^characters\.lock line 5, inputs\.action_id: /);
  });

  it("rejects unknown keys (strict lines), bad JSON, unknown kinds and duplicates", () => {
    const rig = { ...rigEntry(), character: "hero", kind: "rig" };
    expect(parseError(withVersion(JSON.stringify({ ...rig, tsk_id: "x" }))).diagnostics[0]?.line).toBe(5);
    expect(parseError(withVersion("{not json")).message).toMatch(/line 5: not valid JSON/);
    expect(parseError(withVersion(JSON.stringify({ ...rig, kind: "mesh" }))).diagnostics[0]).toMatchObject({ line: 5, field: "kind" });
    expect(parseError(withVersion(JSON.stringify(rig), JSON.stringify(rig))).message).toMatch(
      /line 6: duplicate entry for hero\/rig \(first on line 5\)/,
    );
  });

  it("requires the version line first and refuses a newer version clearly", () => {
    expect(parseError(JSON.stringify({ ...rigEntry(), character: "hero", kind: "rig" })).diagnostics[0]).toMatchObject({
      line: 1,
      field: "lockfile_version",
    });
    const newer = parseError(`# header\n{"lockfile_version":4}\n`);
    expect(newer.code).toBe("LOCKFILE_TOO_NEW");
    expect(newer.message).toMatch(/written by a newer rigup/);
    expect(newer.diagnostics[0]?.line).toBe(2);
  });

  it("detects git conflict markers and points at rigup lock merge", () => {
    const text = withVersion("<<<<<<< HEAD", "=======", ">>>>>>> branch");
    const err = parseError(text);
    expect(err.code).toBe("LOCKFILE_CONFLICT");
    expect(err.diagnostics[0]?.line).toBe(5);
    expect(err.hint).toMatch(/rigup lock merge/);
  });
});

describe("performance (numbers are printed; bench/ owns the budget)", () => {
  it("serialises and parses 200,000 units", () => {
    const lock = emptyLockfile();
    for (let c = 0; c < 20_000; c++) {
      const animations: Lockfile["characters"][string]["animations"] = {};
      for (let a = 0; a < 9; a++) {
        animations[`action-${a}`] = animEntry({
          task_id: `anim-${c}-${a}`,
          files: { glb: { path: `c${c}/animations/action-${a}.glb`, size: 1234, sha256: sha(c * 10 + a) } },
        });
      }
      lock.characters[`c${c}`] = { rig: rigEntry({ task_id: `rig-${c}` }), animations };
    }
    let t = performance.now();
    const text = serializeLockfile(lock);
    const serializeMs = performance.now() - t;
    t = performance.now();
    const parsed = parseLockfile(text, "big.lock");
    const parseMs = performance.now() - t;
    console.log(`200k units: serialize ${serializeMs.toFixed(0)} ms, parse ${parseMs.toFixed(0)} ms, ${(text.length / 1e6).toFixed(1)} MB`);
    expect(text.split("\n").length).toBe(200_000 + 4 + 1 + 1);
    expect(parsed.characters.c19999?.animations["action-8"]?.task_id).toBe("anim-19999-8");
  });
});
