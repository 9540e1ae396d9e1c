import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashFile } from "../../src/fs/hash-file.js";
import { StatCache } from "../../src/scan/stat-cache.js";
import { memFs } from "../lockfile/mem-fs.js";

const entry = { size: 3, mtimeMs: 1_000, sha256: "a".repeat(64) };

describe("StatCache", () => {
  it("answers only when size and mtime match, and survives save + load", async () => {
    const { fs, vol } = memFs({ "/proj/.keep": "" });
    const cache = new StatCache("/proj/.rigup", { fs });
    cache.record("/proj/out/a.glb", entry);
    expect(cache.lookup("/proj/out/a.glb", { size: 3, mtimeMs: 1_000 })).toBe(entry.sha256);
    expect(cache.lookup("/proj/out/a.glb", { size: 4, mtimeMs: 1_000 })).toBeUndefined();
    expect(cache.lookup("/proj/out/a.glb", { size: 3, mtimeMs: 1_001 })).toBeUndefined();
    await cache.save();
    expect(Object.keys(vol.toJSON()).sort()).toEqual(["/proj/.keep", "/proj/.rigup/stat-cache.json"]);
    const loaded = await StatCache.load("/proj/.rigup", { fs });
    expect(loaded.lookup("/proj/out/a.glb", { size: 3, mtimeMs: 1_000 })).toBe(entry.sha256);
  });

  it("starts empty when the cache file is missing or corrupt", async () => {
    const { fs } = memFs({ "/s/stat-cache.json": "{ not json" });
    expect((await StatCache.load("/s", { fs })).lookup("/x", entry)).toBeUndefined();
    expect((await StatCache.load("/missing", { fs })).lookup("/x", entry)).toBeUndefined();
  });

  it("does not write when nothing was recorded", async () => {
    const { fs, vol } = memFs({ "/s/.keep": "" });
    await (await StatCache.load("/s", { fs })).save();
    expect(Object.keys(vol.toJSON())).toEqual(["/s/.keep"]);
  });
});

describe("hashFile", () => {
  it("streams files larger than one chunk", async () => {
    const content = "x".repeat(3 * 1024 * 1024 + 17);
    const { fs } = memFs({ "/big.glb": content });
    expect(await hashFile("/big.glb", { fs })).toBe(createHash("sha256").update(content).digest("hex"));
  });
});
