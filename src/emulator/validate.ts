/**
 * Request validation, as strict as the API page: the emulator should refuse
 * what Meshy refuses, so rigup's mistakes show up locally. Body shapes come
 * from meshy/schemas.ts; unknown fields are ignored, as real APIs tolerate them.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { AnimationRequestBodySchema, RigRequestBodySchema, type PostProcess } from "../meshy/schemas.js";
import { isPng } from "../gltf/png.js";
import { placeholderIndex, type DataUri, type ParsedBody } from "./body.js";

/** An answer with a status and `{"message": ...}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

// Only the digest of uploaded bytes is kept: a 150 MB model must not outlive its request.
export type AssetSource = { kind: "data"; sha256: string } | { kind: "url"; url: string };

export interface RigRequest {
  source: AssetSource | { kind: "task"; taskId: string };
  heightMeters: number;
  texture?: AssetSource;
  /** sha256 of the normalised request: what stats count per input. */
  digest: string;
}

export interface AnimationRequest {
  rigTaskId: string;
  actionId: number;
  postProcess?: PostProcess;
  digest: string;
}

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

// Same shapes as the strict client-side schemas, minus the strictness.
const RigBody = z.object(RigRequestBodySchema.shape);
const AnimationBody = z.object(AnimationRequestBodySchema.shape);

function parseWith<T>(schema: z.ZodType<T>, json: unknown): T {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new ApiError(400, `Invalid parameter ${issue.path.join(".") || "body"}: ${issue.message}`);
}

function assetSource(field: string, value: string, dataUris: DataUri[], check: (b: Uint8Array) => boolean, what: string): AssetSource {
  const i = placeholderIndex(value);
  if (i !== undefined) {
    const bytes = dataUris[i]!.bytes;
    if (!check(bytes)) throw new ApiError(400, `Invalid ${field}: the data URI is not a ${what} file`);
    return { kind: "data", sha256: sha256(bytes) };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApiError(400, `Invalid ${field}: not a URL or data URI`);
  }
  // The emulator cannot fetch the internet: any https URL stands for a generic humanoid.
  if (url.protocol !== "https:") throw new ApiError(400, `Invalid ${field}: only publicly accessible https URLs or data URIs are supported`);
  return { kind: "url", url: value };
}

const isGlb = (b: Uint8Array) => b.length >= 12 && Buffer.from(b.subarray(0, 4)).toString("latin1") === "glTF";

/** POST /openapi/v1/rigging body -> normalised request, or ApiError(400). */
export function parseRigRequest(body: ParsedBody): RigRequest {
  const b = parseWith(RigBody, body.json);
  if ((b.model_url === undefined) === (b.input_task_id === undefined)) {
    throw new ApiError(400, "Exactly one of input_task_id or model_url is required");
  }
  // input_task_id is any non-empty id: the emulator has no text/image-to-3D tasks to check it against.
  const source: RigRequest["source"] =
    b.model_url !== undefined ? assetSource("model_url", b.model_url, body.dataUris, isGlb, "GLB") : { kind: "task", taskId: b.input_task_id! };
  const texture = b.texture_image_url === undefined ? undefined : assetSource("texture_image_url", b.texture_image_url, body.dataUris, isPng, "PNG");
  const heightMeters = b.height_meters ?? 1.7;
  const key = (s: RigRequest["source"] | undefined) => (!s ? null : s.kind === "data" ? `sha256:${s.sha256}` : s.kind === "url" ? s.url : `task:${s.taskId}`);
  return { source, heightMeters, texture, digest: sha256(JSON.stringify(["rig", key(source), heightMeters, key(texture)])) };
}

/** POST /openapi/v1/animations body -> normalised request (the rig and action are checked by the caller). */
export function parseAnimationRequest(body: ParsedBody): AnimationRequest {
  const b = parseWith(AnimationBody, body.json);
  return {
    rigTaskId: b.rig_task_id,
    actionId: b.action_id,
    postProcess: b.post_process,
    digest: sha256(JSON.stringify(["animation", b.rig_task_id, b.action_id, b.post_process ?? null])),
  };
}

/** Whether a fail/reject list entry names this rig input: model sha256, or a substring of model_url / input_task_id. */
export function matchesInput(entries: readonly string[], source: RigRequest["source"]): boolean {
  return entries.some((e) =>
    source.kind === "data" ? e.toLowerCase() === source.sha256 : (source.kind === "url" ? source.url : source.taskId).includes(e),
  );
}
