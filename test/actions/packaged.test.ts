/**
 * The snapshot ships: the build puts library-snapshot.json beside its module in
 * dist/, `npm pack` takes it, and the built CLI reads it with plain node. (slow: a
 * TypeScript build of a source copy, so the shared dist/ is left alone)
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SNAPSHOT } from "../../src/actions/snapshot.js";
import { sh, sourceCopy, tempDir } from "../pack/source.js";

describe("the packed snapshot (slow)", () => {
  it("is built into dist/, packed, and read by the built CLI", async () => {
    const src = await sourceCopy({ linkModules: true });
    const built = await sh("npm", ["run", "build"], src);
    expect(built.code, built.stderr).toBe(0);
    const packed = await sh("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], src);
    expect(packed.code, packed.stderr).toBe(0);
    const [{ files }] = JSON.parse(packed.stdout) as [{ files: { path: string }[] }];
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(["dist/actions/snapshot.js", "dist/actions/library-snapshot.json"]));

    const game = await tempDir("rigup-snapshot-");
    const listed = await sh(process.execPath, [join(src, "dist/cli/bin.js"), "actions", "--json"], game);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).not.toMatch(/ExperimentalWarning/);
    expect(JSON.parse(listed.stdout)).toMatchObject({ from: "snapshot", snapshot_taken: SNAPSHOT.taken });
    expect(JSON.parse(listed.stdout).actions).toHaveLength(SNAPSHOT.actions.length);
  }, 240_000);
});
