/**
 * Reads a JSON request body of up to ~150 MB (model data URIs) without holding
 * several copies: the raw bytes are read into one buffer, each `"data:...;base64,"`
 * string is decoded in place inside it (once), and only the small JSON left
 * around them goes through JSON.parse, with placeholders for the data URIs.
 */
import type { IncomingMessage } from "node:http";

export interface DataUri {
  mime: string;
  bytes: Uint8Array;
}

export interface ParsedBody {
  json: unknown;
  /** Data URIs found in string values; the JSON holds `dataUriPlaceholder(i)` in their place. */
  dataUris: DataUri[];
}

export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const PLACEHOLDER = "\u0000data-uri:";
export const dataUriPlaceholder = (i: number) => `${PLACEHOLDER}${i}`;
/** The data URI a string value stands for, if it is a placeholder. */
export function placeholderIndex(value: string): number | undefined {
  return value.startsWith(PLACEHOLDER) ? Number(value.slice(PLACEHOLDER.length)) : undefined;
}

async function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new BodyError(413, `Request body too large (limit ${maxBytes} bytes)`);
  const declared = Number(req.headers["content-length"]);
  if (declared > maxBytes) throw tooLarge();
  if (Number.isInteger(declared) && declared >= 0) {
    // Node's parser enforces Content-Length, so one preallocated buffer holds the body.
    const target = Buffer.allocUnsafe(declared);
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) size += chunk.copy(target, size);
    return target.subarray(0, size);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const BASE64 = new Int16Array(256).fill(-1);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("").forEach((c, i) => (BASE64[c.charCodeAt(0)] = i));
BASE64["-".charCodeAt(0)] = 62; // base64url is tolerated
BASE64["_".charCodeAt(0)] = 63;

/** Decodes buf[start, end) as base64 into buf starting at `start`; returns the decoded length, -1 if invalid. */
function decodeBase64InPlace(buf: Buffer, start: number, end: number): number {
  let out = start;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === 0x3d) break; // '=' padding ends the data
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue; // line-wrapped base64 (escaped in JSON)
    const v = BASE64[c]!;
    if (v < 0) return -1;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      buf[out++] = (acc >> bits) & 0xff;
    }
  }
  return out - start;
}

function decodeDataUri(buf: Buffer, start: number, end: number): DataUri {
  let s = start;
  let e = end;
  let source = buf;
  if (buf.subarray(start, end).includes(0x5c)) {
    // JSON escapes inside (e.g. "\/" from some encoders): unescape this one string the slow way.
    source = Buffer.from(JSON.parse(`"${buf.toString("latin1", start, end)}"`) as string, "latin1");
    s = 0;
    e = source.length;
  }
  const comma = source.indexOf(0x2c, s);
  if (comma < 0 || comma >= e) throw new BodyError(400, "Invalid data URI: missing ','");
  const header = source.toString("latin1", s + "data:".length, comma);
  const mime = header.split(";")[0] ?? "";
  if (!header.endsWith(";base64")) {
    return { mime, bytes: Buffer.from(decodeURIComponent(source.toString("latin1", comma + 1, e)), "latin1") };
  }
  const length = decodeBase64InPlace(source, comma + 1, e);
  if (length < 0) throw new BodyError(400, "Invalid data URI: bad base64");
  return { mime, bytes: source.subarray(comma + 1, comma + 1 + length) };
}

/** Reads and parses a JSON body; BodyError(400/413) on bad JSON or size. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<ParsedBody> {
  const raw = await readRaw(req, maxBytes);
  const dataUris: DataUri[] = [];
  const pieces: Buffer[] = [];
  let pos = 0;
  for (let at = raw.indexOf('"data:', 0, "latin1"); at >= 0; at = raw.indexOf('"data:', pos, "latin1")) {
    const close = raw.indexOf(0x22, at + 1);
    if (close < 0) break; // unterminated string: JSON.parse reports it
    pieces.push(raw.subarray(pos, at + 1), Buffer.from(dataUriPlaceholder(dataUris.length).replace("\u0000", "\\u0000")));
    dataUris.push(decodeDataUri(raw, at + 1, close));
    pos = close;
  }
  pieces.push(raw.subarray(pos));
  try {
    return { json: JSON.parse(Buffer.concat(pieces).toString("utf8")), dataUris };
  } catch {
    throw new BodyError(400, "Invalid JSON body");
  }
}
