/**
 * The manifest after defaults are applied: what the planner and executor read.
 * Pure: no I/O. Local paths stay relative to the manifest directory so that
 * plans and lockfiles are the same on every machine.
 */
import type { PostProcess } from "../meshy/schemas.js";
import type { ActionSpec, Body, Manifest, OutputFormat } from "./schema.js";

export type ResolvedSource = { kind: "file"; path: string } | { kind: "url"; url: string } | { kind: "task"; taskId: string };

export type ResolvedTexture = { kind: "file"; path: string } | { kind: "url"; url: string };

export interface ResolvedAction {
  /** Output file name (without extension): unique within the character. */
  name: string;
  actionId: number;
  /** Effective post-process, normalised (change_fps always carries its fps). */
  postProcess: PostProcess | null;
}

export interface ResolvedCharacter {
  name: string;
  source: ResolvedSource;
  heightMeters: number;
  texture: ResolvedTexture | null;
  /** Absent when neither the character nor `defaults` sets it: Meshy's default applies. */
  skeleton?: string;
  /** Absent when neither the character nor `defaults` sets it: Meshy's default applies. */
  body?: Body;
  actions: ResolvedAction[];
  /** How its clips merge into one GLB; absent: not merged. */
  merge?: MergeSettings;
}

/** The merge's options as the lockfile records them. */
export interface MergeSettings {
  root_motion: "keep" | "in_place";
  resample: boolean;
  meshopt: boolean;
}

export interface ResolvedManifest {
  formats: OutputFormat[];
  characters: ResolvedCharacter[];
}

/** The API's default frame rate for change_fps (docs/meshy-api.md §2.2: default 30). */
export const DEFAULT_FPS = 30;

export function defaultActionName(actionId: number): string {
  return `action-${actionId}`;
}

/** Normalise so equal intent gives equal digests: `{change_fps}` means `{change_fps, fps: 30}`. */
export function normalizePostProcess(pp: PostProcess | null | undefined): PostProcess | null {
  if (!pp) return null;
  if (pp.operation_type === "change_fps") return { operation_type: "change_fps", fps: pp.fps ?? DEFAULT_FPS };
  return { operation_type: pp.operation_type };
}

function resolveAction(spec: ActionSpec, defaultPost: PostProcess | null): ResolvedAction {
  if (typeof spec === "number") {
    return { name: defaultActionName(spec), actionId: spec, postProcess: normalizePostProcess(defaultPost) };
  }
  return {
    name: spec.name ?? defaultActionName(spec.action_id),
    actionId: spec.action_id,
    postProcess: normalizePostProcess(spec.post_process === undefined ? defaultPost : spec.post_process),
  };
}

const isUrl = (s: string) => /^https:\/\//.test(s);

/**
 * Applies defaults. Assumes the manifest passed validation (exactly one source),
 * which `loadManifest` guarantees.
 */
export function resolveManifest(manifest: Manifest): ResolvedManifest {
  const { defaults } = manifest;
  const characters = Object.entries(manifest.characters).map(([name, c]): ResolvedCharacter => {
    const source: ResolvedSource =
      c.model !== undefined
        ? { kind: "file", path: c.model }
        : c.model_url !== undefined
          ? { kind: "url", url: c.model_url }
          : { kind: "task", taskId: c.input_task_id ?? "" };
    const texture: ResolvedTexture | null =
      c.texture === undefined ? null : isUrl(c.texture) ? { kind: "url", url: c.texture } : { kind: "file", path: c.texture };
    const skeleton = c.skeleton ?? defaults.skeleton;
    const body = c.body ?? defaults.body;
    return {
      name,
      source,
      heightMeters: c.height_meters ?? defaults.height_meters,
      texture,
      ...(skeleton !== undefined && { skeleton }),
      ...(body !== undefined && { body }),
      actions: c.actions.map((a) => resolveAction(a, defaults.post_process)),
      // The merge reads the GLBs: without that format there is nothing to merge.
      ...((c.merge ?? defaults.merge) &&
        defaults.formats.includes("glb") && {
          merge: {
            root_motion: c.root_motion ?? defaults.root_motion,
            resample: c.resample ?? defaults.resample,
            meshopt: c.meshopt ?? defaults.meshopt,
          },
        }),
    };
  });
  return { formats: [...defaults.formats], characters };
}
