/**
 * The preview's data: every manifest character with its rigged model and clips,
 * each with stats read from the GLB and a status from the plan and lockfile.
 * The page (page/app-js.ts) renders only this; `--static` writes it as JSON.
 */
import { actionName } from "../actions/snapshot.js";
import { readFile } from "node:fs/promises";
import type { Lockfile, UnitEntry } from "../lockfile/schema.js";
import type { ResolvedManifest } from "../manifest/resolve.js";
import { animationOutputs, mergedOutput, rigOutputs, type OutputFile } from "../manifest/layout.js";
import type { Plan, PlanStep } from "../plan/types.js";
import { readGlbStats, type GlbStats } from "./glb-stats.js";
import { resolveInside } from "./safe-path.js";
import { previewStatus, type PreviewStatus } from "./status.js";

export type { GlbStats } from "./glb-stats.js";
export type { PreviewStatus } from "./status.js";

export const PREVIEW_MODEL_VERSION = 1;

export interface PreviewItem {
  /** Out-relative posix path. */
  path: string;
  /** Page-relative URL; null when the file is not on disk. */
  url: string | null;
  stats: GlbStats | null;
  status: PreviewStatus;
  /** Set when the built-in emulator made it (`rigup build --emulator`): a placeholder a real build re-makes. */
  madeBy?: "emulator";
  reasons: string[];
}

export interface PreviewClip extends PreviewItem {
  /** The action's output name, or `rig/walking` / `rig/running` for the clips bundled with the rig. */
  name: string;
  /** The action's name in Meshy's library ("Idle"), when known. */
  label?: string;
}

export interface PreviewCharacter {
  name: string;
  rig: PreviewItem;
  clips: PreviewClip[];
  /**
   * Out-relative path of the character merged into one GLB (src/merge/), when
   * that file is in the output tree: the page loads it instead of the rig and
   * clip files and lists the animations it holds.
   */
  merged?: string;
}

export interface PreviewModel {
  version: typeof PREVIEW_MODEL_VERSION;
  characters: PreviewCharacter[];
}

/** What buildPreviewModel reads of a project (an openProject() result fits). */
export interface PreviewProject {
  settings: { outDir: string };
  resolved: ResolvedManifest;
  lock: Lockfile;
}

/** URL prefix of output files, in the server and in a static export alike. */
export const FILES_PREFIX = "files/";

export function fileUrl(path: string): string {
  return FILES_PREFIX + path.split("/").map(encodeURIComponent).join("/");
}

/**
 * Reads every GLB the manifest's layout names (in manifest order).
 * @example const model = await buildPreviewModel(project, (await planProject(project)).plan);
 */
export async function buildPreviewModel(project: PreviewProject, plan: Plan): Promise<PreviewModel> {
  const { outDir } = project.settings;
  const steps = new Map(plan.steps.map((s) => [s.key, s]));
  const glbWanted = project.resolved.formats.includes("glb");
  const item = (file: OutputFile, step: PlanStep | undefined, entry: UnitEntry | undefined) =>
    readItem(outDir, file, step, entry, glbWanted);

  const characters: PreviewCharacter[] = [];
  for (const character of project.resolved.characters) {
    const lock = project.lock.characters[character.name];
    const rigKey = `${character.name}/rig`;
    const [rigFile, ...bundled] = rigOutputs(character.name, ["glb"]);
    const rig = await item(rigFile!, steps.get(rigKey), lock?.rig);
    const clips: PreviewClip[] = [];
    for (const file of bundled) {
      if (file.role.includes(".armature.") || lock?.rig?.unavailable?.includes(file.role)) continue;
      const name = `rig/${file.role.replace(/\.glb$/, "")}`;
      clips.push({ name, ...(await item(file, steps.get(rigKey), lock?.rig)) });
    }
    for (const action of character.actions) {
      const [file] = animationOutputs(character.name, action, ["glb"]);
      const key = `${character.name}/animations/${action.name}`;
      const label = actionName(action.actionId);
      clips.push({ name: action.name, ...(label ? { label } : {}), ...(await item(file!, steps.get(key), lock?.animations[action.name])) });
    }
    const merged = mergedOutput(character.name);
    const hasMerged = (await resolveInside(outDir, merged.split("/"))) !== null;
    characters.push({ name: character.name, rig, clips, ...(hasMerged ? { merged } : {}) });
  }
  return { version: PREVIEW_MODEL_VERSION, characters };
}

async function readItem(
  outDir: string,
  file: OutputFile,
  step: PlanStep | undefined,
  entry: UnitEntry | undefined,
  glbWanted: boolean,
): Promise<PreviewItem> {
  const real = await resolveInside(outDir, file.path.split("/"));
  const notRequested = glbWanted ? undefined : 'glb is not in the manifest\'s "formats"';
  const { status, reasons } = previewStatus({ step, entry, path: file.path, role: file.role, present: real !== null, notRequested });
  const made = entry?.made_by === "emulator" ? { madeBy: "emulator" as const } : {};
  if (real === null) return { path: file.path, url: null, stats: null, status, reasons, ...made };
  try {
    const stats = await readGlbStats(await readFile(real));
    return { path: file.path, url: fileUrl(file.path), stats, status, reasons, ...made };
  } catch (error) {
    // An unreadable file is no better than a failed task: say so, do not hand it to the page.
    const message = `cannot read ${file.path}: ${(error as Error).message}`;
    return { path: file.path, url: null, stats: null, status: "failed", reasons: [message, ...reasons] };
  }
}
