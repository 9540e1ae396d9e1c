/**
 * The one gate between a URL and the file system, shared by the server and the
 * model (so the page never lists a file the server would refuse).
 */
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { resolveInsideOut } from "../fs/inside-out.js";

/**
 * Splits a raw URL path (no query) into decoded segments, or null to refuse it.
 * Works on the raw request target: fetch() and browsers normalise `..` away, a
 * hand-written request does not. Refused: `.`/`..` (also percent-encoded), empty
 * segments (`//etc/passwd`), encoded separators, backslashes, NUL, drive letters.
 */
export function splitUrlPath(rawPath: string): string[] | null {
  if (!rawPath.startsWith("/")) return null;
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === "" || segment === "." || segment === "..") return null;
    if (/[/\\\0]|^[a-zA-Z]:/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

/**
 * The real path of a regular file at `segments` under `root`, or null when it is
 * absent, not a regular file, or resolves (through a symlink) outside `root`.
 */
export async function resolveInside(root: string, segments: readonly string[]): Promise<string | null> {
  const abs = await resolveInsideOut(root, path.join(...segments));
  if (!abs) return null;
  try {
    return (await stat(abs)).isFile() ? await realpath(abs) : null;
  } catch {
    return null;
  }
}
