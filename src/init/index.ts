/**
 * `rigup init`: a starter characters.yaml plus the git conventions around it.
 * Never overwrites: an existing manifest is kept as it is (a repo that already
 * has one still gets the ignore and attributes lines), and .gitignore and
 * .gitattributes only get the lines they lack, so running it twice changes nothing.
 */
import { access, appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { errorCode } from "../fs/fs-like.js";
import { gitattributesBlocks, gitignoreBlocks, PUBLISHED_SCHEMA_URL, starterManifest, type ManagedBlock } from "./templates.js";

export interface InitOptions {
  /** Absolute path of the manifest to create. */
  manifestFile: string;
  commitOutputs: boolean;
  /** Output dir relative to the manifest. Default `out`. */
  outDir?: string;
}

/** `kept`: the manifest existed and was left as it is. */
export type FileOutcome = "created" | "updated" | "unchanged" | "kept";

export interface InitResult {
  files: { path: string; outcome: FileOutcome; added: string[] }[];
  schema: string;
  /** What to commit, and what not, relative to the manifest's directory. */
  commit: string[];
  ignore: string[];
}

export async function initProject(opts: InitOptions): Promise<InitResult> {
  const { manifestFile, commitOutputs } = opts;
  const dir = path.dirname(manifestFile);
  const outDir = (opts.outDir ?? "out").replace(/\\/g, "/").replace(/^\.\/|\/+$/g, "");
  const schema = await schemaRef(dir);
  await mkdir(dir, { recursive: true });
  const files: InitResult["files"] = [{ path: manifestFile, outcome: await writeStarter(manifestFile, schema), added: [] }];
  files.push(await mergeBlocks(path.join(dir, ".gitignore"), gitignoreBlocks({ commitOutputs, outDir })));
  files.push(await mergeBlocks(path.join(dir, ".gitattributes"), gitattributesBlocks({ outDir })));

  const manifest = path.basename(manifestFile);
  const commit = [manifest, "characters.lock", ".gitignore", ".gitattributes", ...(commitOutputs ? [`${outDir}/`] : [])];
  const ignore = [".rigup/", ...(commitOutputs ? [] : [`${outDir}/`])];
  return { files, schema, commit, ignore };
}

/**
 * The `$schema` reference: the copy in the nearest node_modules/rigup (walking up
 * from the manifest, as Node resolves packages), relative so it works on every
 * machine; else the published URL. The local copy always matches the installed
 * rigup, which the URL (latest) may not.
 */
async function schemaRef(dir: string): Promise<string> {
  // Bounded by the directory depth: dirname of the root is the root.
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, "node_modules", "rigup", "schemas", "characters.schema.json");
    if (await exists(candidate)) return path.relative(dir, candidate).split(path.sep).join("/");
    if (path.dirname(d) === d) return PUBLISHED_SCHEMA_URL;
  }
}

/** "wx": an existing manifest, even one created a moment ago, is never overwritten. */
async function writeStarter(manifestFile: string, schema: string): Promise<"created" | "kept"> {
  try {
    await writeFile(manifestFile, starterManifest(schema), { flag: "wx" });
    return "created";
  } catch (err) {
    if (errorCode(err) === "EEXIST") return "kept";
    throw err;
  }
}

/** Appends to `file` (creating it) each block's missing lines, under the block's comment. */
async function mergeBlocks(file: string, blocks: readonly ManagedBlock[]): Promise<InitResult["files"][number]> {
  let text: string | undefined;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if (errorCode(err) !== "ENOENT") throw err;
  }
  const present = new Set((text ?? "").split(/\r?\n/).map((l) => l.trim()));
  const has = (line: string) => present.has(line) || present.has(line.replace(/^#\s*/, ""));
  const added: string[] = [];
  for (const block of blocks) {
    const missing = block.lines.filter((l) => !has(l));
    if (missing.length > 0) added.push(...(has(block.comment) ? [] : [block.comment]), ...missing);
  }
  if (added.length === 0) return { path: file, outcome: "unchanged", added };
  const sep = !text ? "" : text.endsWith("\n") ? "\n" : "\n\n";
  await appendFile(file, `${sep}${added.join("\n")}\n`);
  return { path: file, outcome: text === undefined ? "created" : "updated", added };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
