/**
 * One output file: stream to a temp file beside the target, hash while
 * streaming, check the bytes are the format we asked for (an expired signed URL
 * may answer 200 with an HTML page), fsync, rename into place. A crash at any
 * point leaves either the old file or the new one, never half of one. Nothing is
 * written where the output folder's symlinks would lead outside it.
 */
import { createHash } from "node:crypto";
import { fstatSync, lstatSync, renameSync } from "node:fs";
import { mkdir, open, readdir, rm } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { isTempName, tempPathFor } from "../fs/atomic-write.js";
import type { AssetResponse } from "../meshy/api.js";
import { folderInsideOut, resolveInsideOut } from "../fs/inside-out.js";
import type { OutputFile } from "../manifest/layout.js";

export interface DownloadResult {
  size: number;
  sha256: string;
  mtimeMs: number;
}

export class ContentError extends Error {
  override readonly name: string = "ContentError";
  readonly code = "BAD_CONTENT";
}

const MAGIC: Record<OutputFile["format"], { bytes: Buffer[]; what: string }> = {
  glb: { bytes: [Buffer.from("glTF")], what: "a GLB (glTF binary)" },
  // Binary FBX starts with "Kaydara FBX Binary"; ASCII FBX files start with a "; FBX" comment.
  fbx: { bytes: [Buffer.from("Kaydara FBX Binary"), Buffer.from("; FBX")], what: "an FBX file" },
  usdz: { bytes: [Buffer.from([0x50, 0x4b, 0x03, 0x04])], what: "a USDZ (zip) archive" },
};
const HEAD_BYTES = 32;
/** Bytes held before a write: bounded memory per transfer, few syscalls per file. */
const WRITE_BATCH = 1024 * 1024;

/** Throws ContentError unless `head` starts like `format`. */
export function checkContent(head: Buffer, format: OutputFile["format"]): void {
  const { bytes, what } = MAGIC[format];
  if (bytes.some((m) => head.subarray(0, m.length).equals(m))) return;
  const text = head.toString("latin1").trimStart().toLowerCase();
  const looksHtml = text.startsWith("<!doctype") || text.startsWith("<html") || text.startsWith("<?xml");
  throw new ContentError(
    looksHtml
      ? `expected ${what} but the server sent an HTML/XML page (often an expired or refused signed URL)`
      : `expected ${what} but the file starts with ${JSON.stringify(head.subarray(0, 8).toString("latin1"))}`,
  );
}

/**
 * Removes temp files a killed run left behind. Only call while holding the
 * writer lock: then no other rigup is writing into this tree.
 */
export async function removeStaleTempFiles(outDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(outDir, { recursive: true, withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const stale = entries.filter((e) => e.isFile() && isTempName(e.name)).map((e) => join(e.parentPath, e.name));
  await Promise.all(stale.map((p) => rm(p, { force: true })));
  return stale;
}

/** Bytes that arrived whole but are not the ones recorded: trying again cannot help. */
export class CorruptCopyError extends ContentError {
  override readonly name: string = "CorruptCopyError";
}

class OutsideOutError extends Error {
  override readonly name = "OutsideOutError";
  readonly code = "OUTSIDE_OUT_DIR";
}

/**
 * Throws unless `target` really is inside `outDir`; checked before the first and the last write
 * of each file. Returns whether its folder exists already.
 */
async function guardTarget(outDir: string, target: string): Promise<boolean> {
  // Sync: a stat that cannot block for long, and no exception built for the usual missing file.
  const link = lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink();
  const folder = link
    ? (await resolveInsideOut(outDir, relative(outDir, target))) !== undefined && "exists"
    : await folderInsideOut(outDir, dirname(target));
  if (folder) return folder === "exists";
  throw new OutsideOutError(`refusing to write ${target}: a symlink on the way leads outside the output folder ${outDir}`);
}

/**
 * Streams `response.body` into `target` (under `outDir`) atomically. `onBytes` reports progress,
 * once per batch written. `expect`: the bytes must hash to this (a copy of known content, from the
 * team store). On any failure the temp file is removed, the target is untouched and the body is
 * given back.
 */
export async function writeAtomically(
  outDir: string,
  target: string,
  response: Pick<AssetResponse, "body" | "contentLength">,
  format: OutputFile["format"],
  onBytes?: (bytes: number) => void,
  expect?: { sha256: string; describe: string },
): Promise<DownloadResult> {
  try {
    // mkdir -p follows symlinks: check first, or it creates folders wherever a link points.
    if (!(await guardTarget(outDir, target))) await mkdir(dirname(target), { recursive: true });
    const tmp = tempPathFor(target);
    const hash = createHash("sha256");
    const handle = await open(tmp, "wx");
    let size = 0;
    let head = Buffer.alloc(0);
    // Network chunks are small (16-64 KiB): one gathered write per batch, not one per chunk, and no copy.
    const pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      const batch = pending.splice(0);
      const bytes = pendingBytes;
      pendingBytes = 0;
      let written = (await handle.writev(batch)).bytesWritten;
      if (written < bytes) {
        // A short write (rare: a signal, a disk near full) goes on from where it stopped.
        const rest = Buffer.concat(batch, bytes);
        while (written < bytes) written += (await handle.write(rest, written, bytes - written)).bytesWritten;
      }
      onBytes?.(size);
    };
    try {
      for await (const chunk of response.body) {
        if (head.length < HEAD_BYTES) {
          head = Buffer.concat([head, Buffer.from(chunk.subarray(0, HEAD_BYTES - head.length))]);
          if (head.length >= HEAD_BYTES) checkContent(head, format);
        }
        hash.update(chunk);
        size += chunk.byteLength;
        pending.push(chunk);
        pendingBytes += chunk.byteLength;
        if (pendingBytes >= WRITE_BATCH) await flush();
      }
      await flush();
      if (head.length < HEAD_BYTES) checkContent(head, format);
      if (response.contentLength !== undefined && response.contentLength !== size) {
        throw new ContentError(`download ended after ${size} of ${response.contentLength} bytes`);
      }
      const sha256 = hash.digest("hex");
      if (expect && expect.sha256 !== sha256) {
        throw new CorruptCopyError(
          `${expect.describe} is corrupted: its bytes hash to ${sha256}, not ${expect.sha256}; nothing was written`,
        );
      }
      await handle.sync();
      // The metadata calls after the fsync are synchronous, as guardTarget's lstat is: each is a quick
      // syscall, cheaper than a trip through libuv's thread pool (2,000 files in a pull).
      const { mtimeMs } = fstatSync(handle.fd);
      await handle.close();
      // A folder on the way may have been swapped for a symlink while the bytes streamed.
      await guardTarget(outDir, target);
      // No fsync of the folder: a rename lost to a crash leaves the file missing, which the next plan
      // fetches again for free; a whole file or none, either way.
      renameSync(tmp, target);
      return { size, sha256, mtimeMs };
    } catch (err) {
      await handle.close().catch(() => {});
      await rm(tmp, { force: true });
      throw err;
    }
  } catch (err) {
    // Refused before the first byte (a symlink out of out/, a folder it cannot make) the body was never
    // read: give its connection or file back now, not when the server times out. Harmless after a read.
    await response.body[Symbol.asyncIterator]().return?.();
    throw err;
  }
}
