import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folderInsideOut } from "../../src/fs/inside-out.js";
import { CorruptCopyError, writeAtomically } from "../../src/outputs/write-output.js";
import { tempProject } from "../helpers/project.js";

/** A GLB-looking body of `size` bytes, sent in `chunk`-byte pieces as a network stream would. */
function body(size: number, chunk: number): { bytes: Buffer; response: { body: AsyncIterable<Uint8Array>; contentLength: number } } {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  bytes.write("glTF", 0, "latin1");
  async function* pieces() {
    for (let off = 0; off < size; off += chunk) yield bytes.subarray(off, Math.min(size, off + chunk));
  }
  return { bytes, response: { body: pieces(), contentLength: size } };
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("folderInsideOut", () => {
  it("tells a folder inside (made or not) from one a path or a symlink leads out of", async () => {
    const root = (await tempProject()).dir;
    const out = join(root, "out");
    const elsewhere = join(root, "elsewhere");
    mkdirSync(join(out, "knight", "anim"), { recursive: true });
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(out, "away"));
    symlinkSync(join(out, "knight"), join(out, "alias"));

    expect(await folderInsideOut(out, out)).toBe("exists");
    expect(await folderInsideOut(out, join(out, "knight", "anim"))).toBe("exists");
    expect(await folderInsideOut(out, join(out, "knight", "new", "deeper"))).toBe("missing");
    expect(await folderInsideOut(out, join(out, "alias"))).toBe("exists");
    expect(await folderInsideOut(out, join(out, "alias", "anim"))).toBe("exists");
    expect(await folderInsideOut(out, join(out, "alias", "new"))).toBe("missing");
    expect(await folderInsideOut(out, join(out, "away"))).toBe(false);
    expect(await folderInsideOut(out, join(out, "away", "sub"))).toBe(false);
    expect(await folderInsideOut(out, join(out, "..", "elsewhere"))).toBe(false);
    expect(await folderInsideOut(out, root)).toBe(false);
  });
});

describe("writeAtomically", () => {
  it("writes bytes sent in many small chunks whole, hashed, into a folder it makes", async () => {
    const out = join((await tempProject()).dir, "out");
    const { bytes, response } = body(3 * 1024 * 1024 + 17, 16 * 1024);
    const target = join(out, "knight", "anim", "attack.glb");
    const result = await writeAtomically(out, target, response, "glb");
    expect(result).toMatchObject({ size: bytes.length, sha256: sha(bytes) });
    expect(readFileSync(target).equals(bytes)).toBe(true);
    expect(readdirSync(join(out, "knight", "anim"))).toEqual(["attack.glb"]);
  });

  it("refuses a copy whose bytes do not hash as expected, leaving no file and no temp file", async () => {
    const out = join((await tempProject()).dir, "out");
    const { response } = body(200_000, 8 * 1024);
    const target = join(out, "knight", "knight.glb");
    await expect(
      writeAtomically(out, target, response, "glb", undefined, { sha256: "0".repeat(64), describe: "the copy" }),
    ).rejects.toBeInstanceOf(CorruptCopyError);
    expect(readdirSync(join(out, "knight"))).toEqual([]);
  });

  it.skipIf(!existsSync("/proc/self/fd"))("closes its file on every path: written, refused by hash, not a GLB, cut midway", async () => {
    const out = join((await tempProject()).dir, "out");
    mkdirSync(out);
    const open = () => readdirSync("/proc/self/fd").length;
    const before = open();
    await writeAtomically(out, join(out, "a.glb"), body(100_000, 8192).response, "glb");
    await expect(
      writeAtomically(out, join(out, "b.glb"), body(100_000, 8192).response, "glb", undefined, { sha256: "0".repeat(64), describe: "b" }),
    ).rejects.toBeInstanceOf(CorruptCopyError);
    await expect(
      writeAtomically(
        out,
        join(out, "c.glb"),
        {
          body: (async function* () {
            yield Buffer.alloc(64, 1);
          })(),
          contentLength: 64,
        },
        "glb",
      ),
    ).rejects.toThrow(/expected a GLB/);
    const cut = (async function* () {
      yield body(100_000, 8192).bytes.subarray(0, 4096);
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    })();
    await expect(writeAtomically(out, join(out, "d.glb"), { body: cut, contentLength: 100_000 }, "glb")).rejects.toThrow(/hang up/);
    expect(open()).toBe(before);
    expect(readdirSync(out)).toEqual(["a.glb"]);
  });

  it("writes into a folder not made yet behind a symlink that stays inside the output folder", async () => {
    const out = join((await tempProject()).dir, "out");
    mkdirSync(join(out, "knight"), { recursive: true });
    symlinkSync(join(out, "knight"), join(out, "alias"));
    const { bytes, response } = body(50_000, 4096);
    await writeAtomically(out, join(out, "alias", "new", "attack.glb"), response, "glb");
    expect(readFileSync(join(out, "knight", "new", "attack.glb")).equals(bytes)).toBe(true);
  });

  it("writes nothing through a folder symlink that leads outside the output folder", async () => {
    const root = (await tempProject()).dir;
    const out = join(root, "out");
    const elsewhere = join(root, "elsewhere");
    mkdirSync(out);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(out, "knight"));
    const { response } = body(50_000, 4096);
    await expect(writeAtomically(out, join(out, "knight", "anim", "attack.glb"), response, "glb")).rejects.toMatchObject({
      code: "OUTSIDE_OUT_DIR",
    });
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(join(elsewhere, "anim"))).toBe(false);
  });
});
