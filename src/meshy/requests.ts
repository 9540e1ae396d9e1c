/**
 * Version-neutral create inputs (api.ts) as each API version's request fields,
 * and the other way round: whether a task's v2 `input` echo is the request we sent.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { canonicalJson } from "../text/canonical-json.js";
import type { AnimationInput, AssetInput, RigInput } from "./api.js";
import type { JsonBodyField } from "./data-uri-body.js";
import { RigRequestBodySchema, type Task } from "./schemas.js";
import { V2_INFERRED, type ApiVersion } from "./wire.js";

/** POST /openapi/v2/rigging body: v1's without `texture_image_url` (removed; 400 if sent), with the skeleton fields. */
const V2RigRequestBodySchema = z.strictObject({
  input_task_id: z.string().min(1).optional(),
  model_url: z.string().min(1).optional(),
  height_meters: z.number().positive().optional(),
  [V2_INFERRED.rigFields.skeleton]: z.string().min(1).optional(),
  [V2_INFERRED.rigFields.body]: z.enum(["biped", "quadruped"]).optional(),
});

/** A local file becomes a data-URI field; a URL is sent as-is. */
function assetField(asset: AssetInput): JsonBodyField {
  return asset.kind === "file" ? { file: asset.path, mime: asset.mime } : asset.url;
}

async function assetBytes(asset: AssetInput, signal?: AbortSignal): Promise<Uint8Array> {
  if (asset.kind === "file") return readFile(asset.path);
  // Public files of the user's, fetched without any credential.
  const res = await fetch(asset.url, { signal, redirect: "follow" });
  if (!res.ok) throw new Error(`GET ${new URL(asset.url).origin}${new URL(asset.url).pathname}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The rig create's fields for `version`, and the schema they must satisfy. */
export async function rigFields(
  version: ApiVersion,
  input: RigInput,
  signal?: AbortSignal,
): Promise<{ fields: Record<string, JsonBodyField | undefined>; schema: z.ZodType }> {
  const source = input.source;
  if (version === 1) {
    // v1 knows neither field: it rigs bipeds with its own skeleton.
    if (input.skeleton !== undefined || input.body !== undefined) throw new Error("`skeleton` and `body` need API v2 (apiVersion 2)");
    return {
      schema: RigRequestBodySchema,
      fields: {
        input_task_id: source.kind === "task" ? source.taskId : undefined,
        model_url: source.kind === "task" ? undefined : assetField(source),
        height_meters: input.heightMeters,
        texture_image_url: input.texture ? assetField(input.texture) : undefined,
      },
    };
  }
  let model: JsonBodyField | undefined = source.kind === "task" ? undefined : assetField(source);
  if (input.texture) {
    // v2 rigs with the textures inside the GLB: put the PNG there, deterministically (gltf/embed-texture.ts).
    if (source.kind === "task")
      throw new Error("under API v2 a texture cannot be added to an input_task_id (Meshy uses that task's own textures); remove `texture`");
    const { embedBaseColor } = await import("../gltf/embed-texture.js");
    const [glb, png] = await Promise.all([assetBytes(source, signal), assetBytes(input.texture, signal)]);
    model = { bytes: await embedBaseColor(glb, png), mime: "model/gltf-binary" };
  }
  return {
    schema: V2RigRequestBodySchema,
    fields: {
      input_task_id: source.kind === "task" ? source.taskId : undefined,
      model_url: model,
      height_meters: input.heightMeters,
      [V2_INFERRED.rigFields.skeleton]: input.skeleton,
      [V2_INFERRED.rigFields.body]: input.body,
    },
  };
}

/**
 * The fields of a create that v2 echoes back as sent: values, not uploads (a data
 * URI's echo form is UNKNOWN). `complete`: they identify the request on their own.
 */
function plainFields(input: RigInput | AnimationInput): { plain: Record<string, unknown>; complete: boolean } {
  if ("rigTaskId" in input) {
    return { plain: { rig_task_id: input.rigTaskId, action_id: input.actionId, post_process: input.postProcess }, complete: true };
  }
  const { source } = input;
  const plain: Record<string, unknown> = {
    height_meters: input.heightMeters,
    [V2_INFERRED.rigFields.skeleton]: input.skeleton,
    [V2_INFERRED.rigFields.body]: input.body,
  };
  if (source.kind === "task") plain.input_task_id = source.taskId;
  else if (source.kind === "url" && !input.texture && source.url.startsWith("https://")) plain.model_url = source.url;
  // An upload (a file, or a model with a texture rigup put in it) is not comparable: the echo can rule out, never confirm.
  return { plain, complete: source.kind === "task" || "model_url" in plain };
}

/**
 * Whether `task` was made by this request, judged by its v2 `input` echo: false when
 * a field we sent is echoed with another value; true when every field we sent is
 * echoed as sent and they identify the request (no upload among them); undefined
 * when the echo cannot tell (v1 has none; a data-URI upload is not comparable).
 */
export function echoVerdict(task: Task, input: RigInput | AnimationInput): boolean | undefined {
  const echo = task.input;
  if (!echo) return undefined;
  const { plain, complete } = plainFields(input);
  let all = complete;
  for (const [key, sent] of Object.entries(plain)) {
    if (sent === undefined) continue;
    if (!(key in echo)) {
      all = false;
      continue;
    }
    if (canonicalJson(echo[key]) !== canonicalJson(sent)) return false;
  }
  return all ? true : undefined;
}
