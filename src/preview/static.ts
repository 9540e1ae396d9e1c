/**
 * `rigup preview --static DIR`: the served page as plain files, for CI artifacts.
 * Same URL layout as the server, all relative, so any static server (or an
 * artifact browser) can host DIR as it is. Browsers do not run it from file://;
 * opened that way, the page says how to serve it (page/index-html.ts).
 */
import { copyFile, mkdir, realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../diagnostics/errors.js";
import { isInside } from "../fs/inside-out.js";
import { MODEL_FILE, modelText, PAGE_FILES } from "./assets.js";
import { FILES_PREFIX, type PreviewModel } from "./index.js";
import { resolveInside } from "./safe-path.js";
import { THREE_FILES, VENDOR_PREFIX, threeDir } from "./vendor.js";

export interface StaticPreviewOptions {
  outDir: string;
  model: PreviewModel;
  /** Where to write; created if needed. Existing files of the same names are overwritten. */
  dir: string;
}

/**
 * Writes index.html, app.js, style.css, preview.json, the GLBs the model lists
 * (under files/, merged files included) and the three.js modules (under vendor/three/).
 * @returns the files written, relative to `dir`, '/'-separated, sorted.
 */
export async function writeStaticPreview(opts: StaticPreviewOptions): Promise<string[]> {
  await mkdir(opts.dir, { recursive: true });
  const [outReal, dirReal] = await Promise.all([realpath(opts.outDir).catch(() => path.resolve(opts.outDir)), realpath(opts.dir)]);
  // Copies under the output tree would show up there as unknown files (and be pruned).
  if (dirReal === outReal || isInside(outReal, dirReal)) {
    throw new UserError("PREVIEW_DIR_IN_OUT", `--static ${opts.dir} is inside the output directory ${opts.outDir}`, {
      hint: "write the static preview somewhere else, e.g. --static preview-site",
    });
  }

  const written: string[] = [];
  const target = async (rel: string) => {
    const file = path.join(opts.dir, ...rel.split("/"));
    await mkdir(path.dirname(file), { recursive: true });
    written.push(rel);
    return file;
  };
  for (const [rel, text] of PAGE_FILES) await writeFile(await target(rel), text);
  await writeFile(await target(MODEL_FILE), modelText(opts.model));
  const three = threeDir();
  for (const rel of THREE_FILES) await copyFile(path.join(three, rel), await target(VENDOR_PREFIX + rel));
  for (const character of opts.model.characters) {
    const files = [character.rig, ...character.clips].flatMap((item) => (item.url ? [item.path] : []));
    if (character.merged) files.push(character.merged);
    for (const file of files) {
      const source = await resolveInside(opts.outDir, file.split("/"));
      // Gone since the model was built: the page would 404 on it, so fail now with the name.
      if (!source) throw new UserError("PREVIEW_FILE_GONE", `${file} disappeared from ${opts.outDir} while exporting`);
      await copyFile(source, await target(FILES_PREFIX + file));
    }
  }
  return written.sort();
}
