/** memfs volumes for lockfile/ and scan/ tests. */
import { Volume, createFsFromVolume } from "memfs";
import type { FsLike } from "../../src/fs/fs-like.js";

export function memFs(tree: Record<string, string> = {}): { vol: Volume; fs: FsLike } {
  const vol = Volume.fromJSON(tree);
  // memfs' declared types are wider (bigint stats, Buffer | string) than the subset we use.
  return { vol, fs: createFsFromVolume(vol).promises as unknown as FsLike };
}

/** Counts calls per fs method, so tests can assert what I/O happened (e.g. no hashing). */
export function countingFs(fs: FsLike): { fs: FsLike; calls: Record<string, string[]> } {
  const calls: Record<string, string[]> = {};
  const wrapped = new Proxy(fs, {
    get(target, prop: string) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        (calls[prop] ??= []).push(String(args[0]));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { fs: wrapped, calls };
}
