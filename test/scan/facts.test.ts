import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FsLike } from "../../src/fs/fs-like.js";
import type { FileRecord, Lockfile } from "../../src/lockfile/schema.js";
import type { ResolvedCharacter, ResolvedManifest } from "../../src/manifest/resolve.js";
import { gatherFacts } from "../../src/scan/facts.js";
import { StatCache } from "../../src/scan/stat-cache.js";
import { animEntry, lockOf, rigEntry } from "../lockfile/builders.js";
import { countingFs, memFs } from "../lockfile/mem-fs.js";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const record = (p: string, content: string): FileRecord => ({ path: p, size: Buffer.byteLength(content), sha256: sha256(content) });

function character(name: string, over: Partial<ResolvedCharacter> = {}): ResolvedCharacter {
  return { name, source: { kind: "file", path: `models/${name}.glb` }, heightMeters: 1.7, texture: null, actions: [], ...over };
}
const manifestOf = (...characters: ResolvedCharacter[]): ResolvedManifest => ({ formats: ["glb"], characters });

const manifest = manifestOf(
  character("hero", { texture: { kind: "file", path: "textures/hero.png" } }),
  character("knight"), // its model is missing
  character("remote", { source: { kind: "url", url: "https://x/y.glb" } }),
);
const lock: Lockfile = lockOf({
  hero: {
    rig: rigEntry({ files: { glb: record("hero/rig/hero.glb", "RIG") } }),
    animations: { walk: animEntry({ files: { glb: record("hero/animations/walk.glb", "WALK") } }) },
  },
  // Only in the lockfile: its files are still listed (prune needs them).
  ghost: { rig: rigEntry({ files: { glb: record("ghost/rig/ghost.glb", "BOO") } }) },
});

function project() {
  const { vol, fs: mem } = memFs({
    "/proj/models/hero.glb": "MODEL",
    "/proj/textures/hero.png": "PNG",
    "/proj/out/hero/rig/hero.glb": "RIG",
    "/proj/out/hero/rig/stray.txt": "whatever",
    "/proj/out/hero/animations/walk.glb": "WALK",
    "/proj/out/hero/animations/.rigup-tmp-walk.glb.123.0123456789ab.tmp": "partial",
    "/proj/out/ghost/rig/ghost.glb": "BOO",
    "/proj/out/unrelated/file.glb": "not ours",
  });
  const { fs, calls } = countingFs(mem);
  const gather = (statCache: StatCache, verify = false) =>
    gatherFacts({ manifest, manifestDir: "/proj", outDir: "/proj/out", lock, statCache, verify, fs });
  return { vol, fs, calls, gather, newCache: () => new StatCache("/proj/.rigup", { fs }) };
}

/** Files opened (i.e. hashed) since the last call. */
function opened(calls: Record<string, string[]>): string[] {
  const list = (calls.open ?? []).sort();
  calls.open = [];
  return list;
}

describe("gatherFacts", () => {
  it("hashes inputs and recorded outputs, lists strays, skips temp files and other characters", async () => {
    const { gather, newCache, calls } = project();
    const facts = await gather(newCache());
    expect(facts).toEqual({
      inputs: { "models/hero.glb": sha256("MODEL"), "textures/hero.png": sha256("PNG") },
      outputs: {
        "ghost/rig/ghost.glb": { size: 3, sha256: sha256("BOO") },
        "hero/animations/walk.glb": { size: 4, sha256: sha256("WALK") },
        "hero/rig/hero.glb": { size: 3, sha256: sha256("RIG") },
        "hero/rig/stray.txt": { size: 8 },
      },
    });
    expect(opened(calls)).toEqual([
      "/proj/models/hero.glb",
      "/proj/out/ghost/rig/ghost.glb",
      "/proj/out/hero/animations/walk.glb",
      "/proj/out/hero/rig/hero.glb",
      "/proj/textures/hero.png",
    ]);
  });

  it("hashes nothing on a warm cache, also after save and reload", async () => {
    const { gather, newCache, calls, fs } = project();
    const cache = newCache();
    const cold = await gather(cache);
    await cache.save();
    opened(calls);
    expect(await gather(cache)).toEqual(cold);
    expect(opened(calls)).toEqual([]);
    const reloaded = await StatCache.load("/proj/.rigup", { fs });
    opened(calls);
    expect(await gather(reloaded)).toEqual(cold);
    expect(opened(calls)).toEqual([]);
  });

  it("sees a size change without hashing, and re-hashes a same-size file whose mtime changed", async () => {
    const { gather, newCache, calls, vol } = project();
    const cache = newCache();
    await gather(cache);
    opened(calls);
    vol.writeFileSync("/proj/out/hero/rig/hero.glb", "RIGGED");
    vol.writeFileSync("/proj/out/hero/animations/walk.glb", "RUN!");
    vol.utimesSync("/proj/out/hero/animations/walk.glb", 1, 1);
    const facts = await gather(cache);
    expect(facts.outputs["hero/rig/hero.glb"]).toEqual({ size: 6 });
    expect(facts.outputs["hero/animations/walk.glb"]).toEqual({ size: 4, sha256: sha256("RUN!") });
    expect(opened(calls)).toEqual(["/proj/out/hero/animations/walk.glb"]);
  });

  it("with verify, re-hashes every input and recorded file despite the cache", async () => {
    const { gather, newCache, calls, vol } = project();
    const cache = newCache();
    await gather(cache);
    opened(calls);
    // Same size, same mtime, different bytes: only --verify can notice.
    const { mtime } = vol.statSync("/proj/out/hero/rig/hero.glb");
    vol.writeFileSync("/proj/out/hero/rig/hero.glb", "BAD");
    vol.utimesSync("/proj/out/hero/rig/hero.glb", mtime, mtime);
    expect((await gather(cache)).outputs["hero/rig/hero.glb"]?.sha256).toBe(sha256("RIG"));
    opened(calls);
    expect((await gather(cache, true)).outputs["hero/rig/hero.glb"]?.sha256).toBe(sha256("BAD"));
    expect(opened(calls)).toHaveLength(5);
  });

  it("is empty when nothing exists yet", async () => {
    const { fs } = memFs({ "/proj/.keep": "" });
    const facts = await gatherFacts({
      manifest,
      manifestDir: "/proj",
      outDir: "/proj/out",
      lock,
      statCache: new StatCache("/s", { fs }),
      verify: false,
      fs,
    });
    expect(facts).toEqual({ inputs: {}, outputs: {} });
  });
});

describe("gatherFacts on a real tree (timing printed; bench/ owns the budget)", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("200 characters x 10 actions x 3 files, warm cache: no hashing", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "rigup-scan-"));
    const out = path.join(dir, "out");
    const characters: ResolvedCharacter[] = [];
    const big: Lockfile = { lockfile_version: 3, characters: {} };
    for (let c = 0; c < 200; c++) {
      const name = `c${c}`;
      characters.push(character(name, { source: { kind: "url", url: "https://x" } }));
      mkdirSync(path.join(out, name, "animations"), { recursive: true });
      const animations: Lockfile["characters"][string]["animations"] = {};
      for (let a = 0; a < 10; a++) {
        const files: Record<string, FileRecord> = {};
        for (const ext of ["glb", "fbx", "usdz"]) {
          const rel = `${name}/animations/action-${a}.${ext}`;
          writeFileSync(path.join(out, rel), rel);
          files[ext] = record(rel, rel);
        }
        animations[`action-${a}`] = animEntry({ files });
      }
      big.characters[name] = { animations };
    }
    let hashes = 0;
    const { fs } = countingFs((await import("node:fs/promises")) as unknown as FsLike);
    const counted = new Proxy(fs, {
      get: (t, p) => (p === "open" ? (...a: [string, string]) => (hashes++, t.open(...a)) : Reflect.get(t, p)),
    });
    const statCache = new StatCache(path.join(dir, ".rigup"), { fs: counted });
    const run = () =>
      gatherFacts({ manifest: manifestOf(...characters), manifestDir: dir, outDir: out, lock: big, statCache, verify: false, fs: counted });
    let t = performance.now();
    const cold = await run();
    const coldMs = performance.now() - t;
    expect(hashes).toBe(6000);
    hashes = 0;
    t = performance.now();
    const warm = await run();
    const warmMs = performance.now() - t;
    console.log(`scan 6000 files: cold ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(0)} ms`);
    expect(hashes).toBe(0);
    expect(warm).toEqual(cold);
    expect(Object.values(warm.outputs).every((o) => o.sha256)).toBe(true);
  });
});
