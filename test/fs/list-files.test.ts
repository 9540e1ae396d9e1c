import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempPathFor } from "../../src/fs/atomic-write.js";
import { listFiles, listFilesSync } from "../../src/fs/list-files.js";
import { memFs } from "../lockfile/mem-fs.js";

// The one listing of an output folder: the scan and the check snapshot must see the same files.
const TREE = ["knight/rig/knight.glb", "knight/animations/walk.glb", "knight/.notes", "knight/animations/.hidden/x.glb"];
const EXPECTED = [
  "knight/.notes",
  "knight/animations/.hidden/x.glb",
  "knight/animations/walk.glb",
  "knight/link.glb",
  "knight/rig/knight.glb",
];

describe("listFiles / listFilesSync", () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), "rigup-list-"));
    for (const rel of TREE) {
      await mkdir(path.dirname(path.join(out, rel)), { recursive: true });
      await writeFile(path.join(out, rel), rel);
    }
    await writeFile(tempPathFor(path.join(out, "knight/rig/knight.glb")), "partial");
    await writeFile(path.join(out, "knight/rig/.rigup-tmp-user-file"), "not ours: listed");
    await symlink(path.join(out, "knight/rig"), path.join(out, "knight/link.glb"));
    await writeFile(path.join(out, "file-not-folder"), "");
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it("lists files recursively, sorted, skipping only rigup's temp files; links are listed, not entered", async () => {
    const expected = [...EXPECTED, "knight/rig/.rigup-tmp-user-file"].sort();
    expect(listFilesSync(out, "knight")).toEqual(expected);
    expect(await listFiles(out, "knight")).toEqual(expected);
  });

  it("lists nothing for a missing folder or a file", async () => {
    expect(listFilesSync(out, "goblin")).toEqual([]);
    expect(listFilesSync(out, "file-not-folder")).toEqual([]);
    expect(await listFiles(out, "goblin/rig")).toEqual([]);
  });

  it("gives the same answer through an injected fs", async () => {
    const { vol, fs } = memFs(Object.fromEntries(TREE.map((rel) => [`/out/${rel}`, rel])));
    vol.writeFileSync(tempPathFor("/out/knight/rig/knight.glb"), "partial");
    expect(await listFiles("/out", "knight", { fs })).toEqual(EXPECTED.filter((f) => f !== "knight/link.glb"));
    expect(await listFiles("/out", "goblin", { fs })).toEqual([]);
  });

  it("throws errors other than a missing folder (here a path Node refuses)", async () => {
    expect(() => listFilesSync(out, "bad\0name")).toThrow();
    await expect(listFiles(out, "bad\0name")).rejects.toThrow();
  });
});
