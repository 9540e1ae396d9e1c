/**
 * Local inputs exist and are what they claim to be. Only the first bytes are
 * read: models can be hundreds of megabytes and a magic number is enough to
 * catch an FBX renamed to .glb or a JPEG named .png before anything is paid for.
 */
import path from "node:path";
import type { Diagnostic } from "../diagnostics/errors.js";
import { formatPath, type DataPath, type Position } from "../diagnostics/positions.js";

/** The subset of `node:fs/promises` rigup reads manifests and their inputs with (memfs's fits too). */
export interface ManifestFs {
  readFile(path: string, encoding: "utf8"): Promise<string>;
  open(
    path: string,
    flags: "r",
  ): Promise<{
    read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
    close(): Promise<void>;
  }>;
}

export interface FileCheckContext {
  file: string;
  /** Directory local paths are relative to. */
  dir: string;
  fs: ManifestFs;
  locate: (path: DataPath, at?: "key" | "value") => Position;
}

/** glTF binary header: magic "glTF", then uint32 version (2). */
const GLB_MAGIC = [0x67, 0x6c, 0x54, 0x46];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** `https://...`, `http://...`, `data:...`: anything that is not a local path. Not `C:\...`. */
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:\/\/|data:)/i;

/** Checks `model` and `texture` of one character, as far as they are non-empty strings (else the schema reports them). */
export async function checkCharacterFiles(name: string, c: Record<string, unknown>, ctx: FileCheckContext): Promise<Diagnostic[]> {
  const checks: Promise<Diagnostic | undefined>[] = [];
  if (typeof c.model === "string" && c.model) checks.push(checkModel(["characters", name, "model"], c.model, ctx));
  if (typeof c.texture === "string" && c.texture) checks.push(checkTexture(["characters", name, "texture"], c.texture, ctx));
  return (await Promise.all(checks)).filter((d): d is Diagnostic => d !== undefined);
}

async function checkModel(field: DataPath, model: string, ctx: FileCheckContext): Promise<Diagnostic | undefined> {
  const at = (message: string, hint?: string) => diag(ctx, field, message, hint);
  if (URL_LIKE.test(model)) return at("must be a local file path", "use model_url: for a model on the web");
  if (path.extname(model).toLowerCase() !== ".glb") {
    return at(`"${model}" is not a .glb file`, "Meshy rigs glTF binary models only: export the model as .glb");
  }
  const head = await readHead(path.resolve(ctx.dir, model), 8, ctx.fs);
  if (typeof head === "string")
    return at(`cannot read "${model}": ${head}`, `paths are relative to ${path.basename(ctx.file)}'s directory`);
  if (!startsWith(head, GLB_MAGIC)) {
    return at(`"${model}" is not a GLB file (it does not start with the glTF magic bytes)`, "export the model as glTF binary (.glb)");
  }
  const version = head.length >= 8 ? new DataView(head.buffer, head.byteOffset).getUint32(4, true) : 0;
  if (version !== 2) return at(`"${model}" is a glTF ${version} binary; Meshy needs glTF 2.0`);
  return undefined;
}

async function checkTexture(field: DataPath, texture: string, ctx: FileCheckContext): Promise<Diagnostic | undefined> {
  const at = (message: string, hint?: string) => diag(ctx, field, message, hint);
  if (/^https:\/\/\S+$/i.test(texture)) return undefined;
  if (URL_LIKE.test(texture)) return at("a texture URL must be an https:// URL", "or use a local .png path relative to characters.yaml");
  const head = await readHead(path.resolve(ctx.dir, texture), PNG_SIGNATURE.length, ctx.fs);
  if (typeof head === "string")
    return at(`cannot read "${texture}": ${head}`, `paths are relative to ${path.basename(ctx.file)}'s directory`);
  if (!startsWith(head, PNG_SIGNATURE)) return at(`"${texture}" is not a PNG image`, "Meshy takes PNG textures: convert it to .png");
  return undefined;
}

function diag(ctx: FileCheckContext, field: DataPath, message: string, hint?: string): Diagnostic {
  return { file: ctx.file, ...ctx.locate(field), field: formatPath(field), message, hint };
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** The first `n` bytes, or why they could not be read. */
async function readHead(file: string, n: number, fs: ManifestFs): Promise<Uint8Array | string> {
  let handle: Awaited<ReturnType<ManifestFs["open"]>> | undefined;
  try {
    handle = await fs.open(file, "r");
    const buf = new Uint8Array(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "file not found";
    if (code === "EISDIR") return "it is a directory";
    if (code === "EACCES" || code === "EPERM") return "permission denied";
    return code ?? "unreadable";
  } finally {
    await handle?.close();
  }
}
