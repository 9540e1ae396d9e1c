/**
 * Request validation, as strict as the docs: the emulator should refuse what
 * Meshy refuses, so rigup's mistakes show up locally. v1 ignores fields it does
 * not know (real APIs tolerated them); v2 refuses them, `texture_image_url`
 * included (docs/meshy-api.md §2). The first problem found names the error (§5.1).
 * The schemas are the emulator's own, not the client's.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { isPng } from "../gltf/png.js";
import { placeholderIndex, type DataUri, type ParsedBody } from "./body.js";
import { ApiError } from "./errors.js";
import { V2_INFERRED } from "./inferred.js";
import { countTriangles, MAX_RIG_TRIANGLES } from "./triangles.js";
import { PostProcessSchema, type ApiVersion, type PostProcess } from "./wire.js";

// Only the digest of uploaded bytes is kept: a 150 MB model must not outlive its request.
export type AssetSource = { kind: "data"; sha256: string } | { kind: "url"; url: string };

export interface RigRequest {
  source: AssetSource | { kind: "task"; taskId: string };
  heightMeters: number;
  texture?: AssetSource;
  animationType: "biped" | "quadruped";
  /** sha256 of the normalised request: what stats count per input. */
  digest: string;
  /** The fields as sent (v2 `input`). */
  input: Record<string, unknown>;
}

export interface AnimationRequest {
  rigTaskId: string;
  /** action_id as a list of one, or action_ids; empty with motion_task_id. */
  actionIds: number[];
  motionTaskId?: string;
  postProcess?: PostProcess;
  digest: string;
  input: Record<string, unknown>;
}

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

/** Every rigging field either version knows; each version reads only its own (RIG_FIELDS). */
const RigBody = z.object({
  input_task_id: z.string().min(1).optional(),
  model_url: z.string().min(1).optional(),
  height_meters: z.number().positive().optional(),
  texture_image_url: z.string().min(1).optional(),
  skeleton_template: z.enum(V2_INFERRED.skeletonTemplates).optional(),
  animation_type: z.enum(V2_INFERRED.animationTypes).optional(),
});
const RIG_FIELDS: Record<ApiVersion, readonly string[]> = {
  1: ["input_task_id", "model_url", "height_meters", "texture_image_url"],
  // §2.1: texture_image_url is gone; skeleton_template (CONFIRMED) and animation_type (INFERRED name) are new.
  2: ["input_task_id", "model_url", "height_meters", "skeleton_template", "animation_type"],
};

const { min: MIN_IDS, max: MAX_IDS } = V2_INFERRED.actionIds;
const AnimationBody = z.object({
  rig_task_id: z.string().min(1),
  action_id: z.number().int().nonnegative().optional(),
  action_ids: z
    .array(z.number().int().nonnegative())
    .min(MIN_IDS)
    .max(MAX_IDS)
    .refine((ids) => new Set(ids).size === ids.length, "action ids must be unique")
    .optional(),
  motion_task_id: z.string().min(1).optional(),
  post_process: PostProcessSchema.optional(),
});
const ANIMATION_FIELDS = Object.keys(AnimationBody.shape);
const ACTION_FIELDS = ["action_id", "action_ids", "motion_task_id"];

function objectBody(json: unknown): Record<string, unknown> {
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new ApiError("invalid_request_body", "The request body must be a JSON object");
  return json as Record<string, unknown>;
}

/** The fields of `body` this version knows. v2 refuses any other (v1 ignores them). */
function knownFields(version: ApiVersion, body: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const unknown = Object.keys(body).find((k) => !fields.includes(k));
  if (version === 2 && unknown !== undefined) {
    const removed = unknown === "texture_image_url" ? " (removed in API v2: embed the texture in the GLB given as model_url)" : "";
    throw new ApiError("unknown_parameter", `Unknown parameter: ${unknown}${removed}`);
  }
  return Object.fromEntries(Object.entries(body).filter(([k]) => fields.includes(k)));
}

function parseWith<T>(schema: z.ZodType<T>, json: unknown): T {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join(".");
  // Only strict nested objects (post_process) report unknown keys here.
  if (issue.code === "unrecognized_keys") throw new ApiError("unknown_parameter", `Unknown parameter: ${field}.${issue.keys[0]}`);
  throw new ApiError("invalid_parameter", `Invalid parameter ${field}: ${issue.message}`);
}

/** The body's data URIs and their digests, computed once. */
interface Uploads {
  dataUris: readonly DataUri[];
  shas: readonly string[];
}
const uploadsOf = (parsed: ParsedBody): Uploads => ({ dataUris: parsed.dataUris, shas: parsed.dataUris.map((d) => sha256(d.bytes)) });

/** The sent fields for `input`: data URIs (placeholders here) become digests (V2_INFERRED.dataUriEcho). */
function echo(value: unknown, uploads: Uploads): unknown {
  if (typeof value === "string") {
    const i = placeholderIndex(value);
    return i === undefined ? value : V2_INFERRED.dataUriEcho(uploads.dataUris[i]!.mime, uploads.shas[i]!);
  }
  if (Array.isArray(value)) return value.map((v) => echo(v, uploads));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, echo(v, uploads)]));
  return value;
}

const FILE_TYPES = {
  GLB: (b: Uint8Array) => b.length >= 12 && Buffer.from(b.subarray(0, 4)).toString("latin1") === "glTF",
  PNG: isPng,
};

/** A URL or decoded data URI of the right file type. v2 wants a URL whose path ends in .glb (§2.1). */
function assetSource(field: string, value: string, type: keyof typeof FILE_TYPES, uploads: Uploads, version: ApiVersion): AssetSource {
  const i = placeholderIndex(value);
  if (i !== undefined) {
    if (!FILE_TYPES[type](uploads.dataUris[i]!.bytes))
      throw new ApiError("invalid_parameter", `Invalid ${field}: the data URI is not a ${type} file`);
    return { kind: "data", sha256: uploads.shas[i]! };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApiError("invalid_parameter", `Invalid ${field}: not a URL or data URI`);
  }
  // The emulator cannot fetch the internet: any https URL stands for a generic humanoid.
  if (url.protocol !== "https:")
    throw new ApiError("invalid_parameter", `Invalid ${field}: only publicly accessible https URLs or data URIs are supported`);
  if (version === 2 && !url.pathname.toLowerCase().endsWith(".glb"))
    throw new ApiError("invalid_parameter", `Invalid ${field}: the URL's path must end in .glb`);
  return { kind: "url", url: value };
}

/** v2 refuses models above 380,000 triangles (§2.1); only uploaded bytes can be counted. */
async function checkTriangles(bytes: Uint8Array): Promise<void> {
  let triangles: number;
  try {
    triangles = await countTriangles(bytes);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ApiError("invalid_parameter", `Invalid model_url: the GLB cannot be read (${why}); buffers and textures must be embedded`);
  }
  if (triangles > MAX_RIG_TRIANGLES) {
    throw new ApiError(
      "triangle_limit_exceeded",
      `The model has ${triangles} triangles; rigging takes at most ${MAX_RIG_TRIANGLES} (remesh it, e.g. target_polycount 300000)`,
    );
  }
}

/** A rigging create body -> normalised request, or ApiError(400). */
export async function parseRigRequest(parsed: ParsedBody, version: ApiVersion): Promise<RigRequest> {
  const sent = knownFields(version, objectBody(parsed.json), RIG_FIELDS[version]);
  if (sent.model_url !== undefined && sent.input_task_id !== undefined) {
    throw new ApiError("parameters_conflict", "input_task_id and model_url cannot be sent together: send one of them");
  }
  if (sent.model_url === undefined && sent.input_task_id === undefined)
    throw new ApiError("missing_parameter", "input_task_id or model_url is required");
  const b = parseWith(RigBody, sent);
  const uploads = uploadsOf(parsed);
  let source: RigRequest["source"];
  if (b.model_url === undefined) {
    // Any id: the emulator has no text/image-to-3D tasks to check it against (the caller refuses its own task types).
    source = { kind: "task", taskId: b.input_task_id! };
  } else {
    source = assetSource("model_url", b.model_url, "GLB", uploads, version);
    const i = placeholderIndex(b.model_url);
    if (version === 2 && i !== undefined) await checkTriangles(parsed.dataUris[i]!.bytes);
  }
  const texture =
    b.texture_image_url === undefined ? undefined : assetSource("texture_image_url", b.texture_image_url, "PNG", uploads, version);
  const heightMeters = b.height_meters ?? 1.7;
  const animationType = b.animation_type ?? "biped";
  const key = (s: RigRequest["source"] | undefined) =>
    !s ? null : s.kind === "data" ? `sha256:${s.sha256}` : s.kind === "url" ? s.url : `task:${s.taskId}`;
  return {
    source,
    heightMeters,
    texture,
    animationType,
    // A biped rig digests as before animation_type existed, so v1 and v2 creates of one input match.
    digest: sha256(JSON.stringify(["rig", key(source), heightMeters, key(texture), ...(animationType === "biped" ? [] : [animationType])])),
    input: echo(sent, uploads) as Record<string, unknown>,
  };
}

/** An animation create body -> normalised request (the rig and actions are checked by the caller). */
export function parseAnimationRequest(parsed: ParsedBody, version: ApiVersion): AnimationRequest {
  const sent = knownFields(version, objectBody(parsed.json), ANIMATION_FIELDS);
  if (sent.rig_task_id === undefined) throw new ApiError("missing_parameter", "rig_task_id is required");
  const choices = ACTION_FIELDS.filter((k) => sent[k] !== undefined);
  if (choices.length > 1)
    throw new ApiError("parameters_conflict", `Send one of action_id, action_ids or motion_task_id, not ${choices.join(" and ")}`);
  // Wording CONFIRMED (zh animation page).
  if (choices.length === 0) throw new ApiError("missing_parameter", "action_id is required");
  const b = parseWith(AnimationBody, sent);
  const actionIds = b.action_id !== undefined ? [b.action_id] : (b.action_ids ?? []);
  const what = b.motion_task_id !== undefined ? { motion: b.motion_task_id } : actionIds.length === 1 ? actionIds[0] : actionIds;
  return {
    rigTaskId: b.rig_task_id,
    actionIds,
    motionTaskId: b.motion_task_id,
    postProcess: b.post_process,
    digest: sha256(JSON.stringify(["animation", b.rig_task_id, what, b.post_process ?? null])),
    input: echo(sent, uploadsOf(parsed)) as Record<string, unknown>,
  };
}

/** Whether a fail/reject list entry names this rig input: model sha256, or a substring of model_url / input_task_id. */
export function matchesInput(entries: readonly string[], source: RigRequest["source"]): boolean {
  return entries.some((e) =>
    source.kind === "data" ? e.toLowerCase() === source.sha256 : (source.kind === "url" ? source.url : source.taskId).includes(e),
  );
}
