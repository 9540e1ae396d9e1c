/**
 * The file-system subset lockfile/ and scan/ use, so tests can pass memfs
 * (`createFsFromVolume(vol).promises`) or a wrapper that fails on purpose.
 * `node:fs/promises` satisfies it.
 */
import * as nodeFs from "node:fs/promises";

export interface FileHandleLike {
  writeFile(data: string): Promise<void>;
  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  datasync(): Promise<void>;
  /** Node has it; memfs' types lack it (they have datasync). */
  sync?(): Promise<void>;
  close(): Promise<void>;
}

export interface DirentLike {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
}

export interface StatsLike {
  size: number;
  mtimeMs: number;
  isFile(): boolean;
}

export interface FsLike {
  open(path: string, flags: string): Promise<FileHandleLike>;
  readFile(path: string, encoding: "utf8"): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  stat(path: string): Promise<StatsLike>;
  readdir(path: string, options: { withFileTypes: true }): Promise<DirentLike[]>;
}

export const defaultFs: FsLike = nodeFs;

/** Options shared by every I/O entry point here. */
export interface FsOptions {
  fs?: FsLike;
}

export function errorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : undefined;
}
