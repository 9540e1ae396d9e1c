/**
 * JSON request bodies whose string fields may be local files sent as data URIs
 * (the rigging API takes `model_url` / `texture_image_url` as a public URL or a
 * data URI, docs/meshy-api.md §2.1). The base64
 * is streamed from disk, so a 100 MB model is never held in memory, let alone
 * as file + base64 string + JSON string copies.
 */
import { open, stat } from "node:fs/promises";

/** A field value read from disk and sent as `data:<mime>;base64,...`. */
export interface FileDataUri {
  file: string;
  mime: string;
}

/** Bytes rigup made (a model with its texture embedded), sent as a data URI. */
export interface BytesDataUri {
  bytes: Uint8Array;
  mime: string;
}

export type JsonBodyField = string | number | boolean | null | FileDataUri | BytesDataUri | Record<string, unknown>;

/** A body that can be opened again: a stream is consumed once, a safe retry needs a fresh one. */
export interface BodyFactory {
  /** Exact byte length, so the request needs no chunked encoding. */
  length: number;
  open(): AsyncIterable<Uint8Array>;
}

/** Read size; a multiple of 3 so each chunk's base64 has no padding mid-stream. */
const CHUNK_BYTES = 3 * 64 * 1024;

function isFile(value: JsonBodyField): value is FileDataUri {
  return typeof value === "object" && value !== null && typeof (value as FileDataUri).file === "string";
}

function isBytes(value: JsonBodyField): value is BytesDataUri {
  return typeof value === "object" && value !== null && (value as BytesDataUri).bytes instanceof Uint8Array;
}

/** base64 length of n bytes, padding included. */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/**
 * Builds a streamed JSON body from `fields`; files become data URIs.
 *
 * @example
 * const body = await jsonBodyWithDataUris({ model_url: { file: "hero.glb", mime: "model/gltf-binary" }, height_meters: 1.8 });
 * // body.open() yields: {"model_url":"data:model/gltf-binary;base64,Z2xURg...","height_meters":1.8}
 */
export async function jsonBodyWithDataUris(fields: Record<string, JsonBodyField | undefined>): Promise<BodyFactory> {
  type Part = { text: string } | { file: string; size: number };
  const parts: Part[] = [];
  let first = true;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const sep = first ? "{" : ",";
    first = false;
    if (isFile(value)) {
      const size = (await stat(value.file)).size;
      // The opening quote and prefix come from JSON.stringify; the base64 alphabet needs no escaping.
      const prefix = JSON.stringify(`data:${value.mime};base64,`).slice(0, -1);
      parts.push({ text: `${sep}${JSON.stringify(key)}:${prefix}` });
      parts.push({ file: value.file, size });
      parts.push({ text: `"` });
    } else if (isBytes(value)) {
      parts.push({
        text: `${sep}${JSON.stringify(key)}:${JSON.stringify(`data:${value.mime};base64,${Buffer.from(value.bytes).toString("base64")}`)}`,
      });
    } else {
      parts.push({ text: `${sep}${JSON.stringify(key)}:${JSON.stringify(value)}` });
    }
  }
  parts.push({ text: first ? "{}" : "}" });

  const length = parts.reduce((sum, p) => sum + ("text" in p ? Buffer.byteLength(p.text) : base64Length(p.size)), 0);
  return {
    length,
    async *open() {
      for (const part of parts) {
        if ("text" in part) yield Buffer.from(part.text);
        else yield* base64File(part.file, part.size);
      }
    },
  };
}

/** Streams a file as base64; fails if its size changed since it was measured (Content-Length is set). */
async function* base64File(path: string, expectedSize: number): AsyncGenerator<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = 0; // bytes at the front of `buf` left from a short read
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, carry, CHUNK_BYTES - carry, null);
      total += bytesRead;
      const filled = carry + bytesRead;
      if (bytesRead === 0) {
        if (filled > 0) yield Buffer.from(buf.subarray(0, filled).toString("base64"));
        break;
      }
      // Encode whole 3-byte groups only; a short read leaves up to 2 bytes for the next round.
      const whole = filled - (filled % 3);
      if (whole > 0) yield Buffer.from(buf.subarray(0, whole).toString("base64"));
      carry = filled - whole;
      if (carry > 0) buf.copy(buf, 0, whole, filled);
    }
    if (total !== expectedSize) {
      throw new Error(`${path} changed size while being sent (${expectedSize} -> ${total} bytes)`);
    }
  } finally {
    await handle.close();
  }
}
