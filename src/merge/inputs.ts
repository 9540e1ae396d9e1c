/**
 * Reading the files a merged character is made of (plan/layout.ts mergeSources
 * says which, in which order).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { MergeSource } from "../manifest/layout.js";
import type { ClipSource } from "./merge-character.js";

/** The bytes of every source under `outDir`, ready for mergeCharacter(). Rejects when a file is missing. */
export async function readMergeInputs(
  outDir: string,
  sources: { rig: Pick<MergeSource, "path">; clips: readonly Pick<MergeSource, "name" | "path">[] },
): Promise<{ rig: { bytes: Uint8Array; source: string }; clips: ClipSource[] }> {
  const read = (rel: string) => readFile(path.join(outDir, ...rel.split("/")));
  const rig = { bytes: await read(sources.rig.path), source: sources.rig.path };
  const clips: ClipSource[] = [];
  for (const clip of sources.clips) clips.push({ name: clip.name, bytes: await read(clip.path), source: clip.path });
  return { rig, clips };
}
