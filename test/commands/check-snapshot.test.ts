/**
 * The fast path of `rigup check`: a snapshot written by a full check that found
 * everything up to date. It must be used when nothing changed, and must never
 * hide a change: each mutation below, made after the snapshot exists, has to
 * reach the full check's verdict.
 */
import { readFile, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { snapshotHolds, snapshotKey } from "../../src/app/check-snapshot.js";
import { VERSION } from "../../src/app/version.js";
import { builtProject, MANIFEST } from "./built.js";

async function checkedTwice() {
  const built = await builtProject();
  const first = await built.run("check");
  expect(first.code, first.stderr).toBe(0);
  const manifestFile = join(built.project.dir, "characters.yaml");
  // As the CLI does: the key comes from the manifest as it is now.
  const holds = async (now = Date.now()) => {
    const manifestText = await readFile(manifestFile, "utf8");
    const key = snapshotKey({
      version: VERSION,
      manifestFile,
      manifestText,
      pathOverrides: [undefined, undefined, undefined, built.project.dir],
    });
    return snapshotHolds(join(built.project.dir, ".rigup"), key, now);
  };
  return { ...built, holds };
}

describe("rigup check fast path", () => {
  it("a full check that finds everything up to date leaves a snapshot the next check answers from", async () => {
    const { run, holds } = await checkedTwice();
    expect(await holds()).toEqual({ upToDate: 5, placeholders: 0 });
    const second = await run("check", "--json");
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ ok: true, items: [], upToDate: 5, credits: 0, warnings: [] });
    // An up-to-date build answers from it too, without the network.
    const build = await run("build", "--yes");
    expect(build.code).toBe(0);
    expect(build.stderr).toBe("No changes. Outputs match characters.yaml and characters.lock (5 units up to date).\n");
    // It expires before any rig could start to draw an expiry warning.
    expect(await holds(Date.now() + 60 * 24 * 3600 * 1000)).toBeUndefined();
  });

  it.each<[string, (dir: string) => Promise<void>]>([
    [
      "an output changed in place (same size)",
      async (dir) => {
        const file = join(dir, "out/hero/animations/action-4.glb");
        const bytes = await readFile(file);
        bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
        await writeFile(file, bytes);
      },
    ],
    ["an output deleted", (dir) => rm(join(dir, "out/goblin/animations/swing.glb"))],
    ["a stray file added", (dir) => writeFile(join(dir, "out/hero/animations/extra.glb"), "glTF")],
    ["the manifest gained an action", (dir) => writeFile(join(dir, "characters.yaml"), MANIFEST({ heroActions: "[0, 4, 8]" }))],
    [
      "a lockfile entry removed",
      async (dir) => {
        const file = join(dir, "characters.lock");
        const lines = (await readFile(file, "utf8")).split("\n").filter((l) => !l.includes('"name":"swing"'));
        await writeFile(file, lines.join("\n"));
      },
    ],
    ["a config file moved the output dir", (dir) => writeFile(join(dir, ".riguprc.json"), JSON.stringify({ outDir: "elsewhere" }))],
    ["a source model changed", (dir) => writeFile(join(dir, "models/hero.glb"), Buffer.from("glTF\u0002\u0000\u0000\u0000changed"))],
  ])("%s: the snapshot no longer holds and check exits 2", async (_what, mutate) => {
    const { project, run, holds } = await checkedTwice();
    expect(await holds()).toBeDefined();
    await mutate(project.dir);
    expect(await holds()).toBeUndefined();
    const r = await run("check");
    expect(r.code, r.stderr).toBe(2);
  });

  it("tasks Meshy has deleted (3 days on): no warning, and the snapshot holds from then on", async () => {
    const { project, run, holds } = await checkedTwice();
    const file = join(project.dir, "characters.lock");
    const gone = Date.now() - 60_000;
    await writeFile(file, (await readFile(file, "utf8")).replace(/"expires_at":\d+/g, `"expires_at":${gone}`));
    const r = await run("check", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, upToDate: 5, warnings: [] });
    // No live rig is left to warn about later: the next check answers from the snapshot, a month on too.
    expect(await holds(Date.now() + 30 * 24 * 3600 * 1000)).toEqual({ upToDate: 5, placeholders: 0 });
  });

  it("an up-to-date build leaves the snapshot too (no check needed first)", async () => {
    const { project, run, holds } = await checkedTwice();
    await rm(join(project.dir, ".rigup/check-snapshot.json"));
    expect(await holds()).toBeUndefined();
    expect((await run("build", "--yes")).stderr).toContain("No changes.");
    expect(await holds()).toEqual({ upToDate: 5, placeholders: 0 });
  });

  it("a touched but unchanged output falls back to the full check, which still says up to date", async () => {
    const { project, run, holds } = await checkedTwice();
    const file = join(project.dir, "out/hero/rig/hero.glb");
    await utimes(file, new Date(), new Date(Date.now() + 5_000));
    expect(await holds()).toBeUndefined();
    expect((await run("check")).code).toBe(0);
    // ...and leaves a fresh snapshot behind.
    expect(await holds()).toEqual({ upToDate: 5, placeholders: 0 });
  });
});
