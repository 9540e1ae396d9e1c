/**
 * Outputs in the team store, content-addressed (store/record.ts): uploaded once
 * however many units share the bytes, and restored only when they hash to what the
 * lockfile records, atomically, so a corrupted or cut copy never reaches `out/`.
 */
import { writeAtomically, type DownloadResult } from "../outputs/write-output.js";
import type { OutputFile } from "../manifest/layout.js";
import type { ObjectStore } from "./object-store.js";
import { objectKey } from "./record.js";

export interface StoredFile {
  sha256: string;
  size: number;
}

/** Uploads `absPath` unless the store has its bytes already. Returns whether it sent them. */
export async function uploadOutput(store: ObjectStore, absPath: string, file: StoredFile, signal?: AbortSignal): Promise<boolean> {
  const key = objectKey(file.sha256);
  const there = await store.head(key, { signal });
  // Same name, same size: the same bytes (the name is their hash). A short copy left by a cut upload is replaced.
  if (there?.size === file.size) return false;
  await store.put(key, { file: absPath }, { signal });
  return true;
}

/** The store answered, and has no copy of an output (lost, or never uploaded): trying again cannot help. */
export class MissingCopyError extends Error {
  override readonly name = "MissingCopyError";
}

/**
 * Copies the stored bytes of `file` to `target` (inside `outDir`), refusing a copy whose hash differs.
 * MissingCopyError when the store has none.
 */
export async function restoreOutput(
  store: ObjectStore,
  file: StoredFile,
  outDir: string,
  target: { abs: string; path: string; format: OutputFile["format"] },
  opts: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {},
): Promise<DownloadResult> {
  const key = objectKey(file.sha256);
  const found = await store.get(key, { signal: opts.signal });
  if (found === undefined) {
    throw new MissingCopyError(
      `${store.label} has no copy of ${target.path} (${key}); \`rigup push\` from a machine that has it uploads it`,
    );
  }
  return writeAtomically(outDir, target.abs, { body: found.body, contentLength: file.size }, target.format, opts.onBytes, {
    sha256: file.sha256,
    describe: `the store's copy of ${target.path} (${store.label}/${key})`,
  });
}
