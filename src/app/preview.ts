/**
 * `rigup preview`: every character and clip of the output tree in a local 3D page
 * (three.js from the installed package, offline), served until the caller closes
 * it, or written as static files. The page shows the manifest, lockfile and tree
 * as they are at each load.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { Writable } from "node:stream";
import { buildPreviewModel } from "../preview/index.js";
import { openProject, planProject, type ProjectOptions } from "./project.js";

export interface PreviewOptions {
  /** Write the page, its data and copies of the GLBs here (relative to `cwd`) instead of serving. */
  staticDir?: string;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
}

export type PreviewResult =
  | { kind: "static"; dir: string; files: string[] }
  | { kind: "serving"; url: string; characters: number; outDir: string; close(): Promise<void> };

export async function previewProject(opts: ProjectOptions, o: PreviewOptions): Promise<PreviewResult> {
  // Manifest, lockfile and tree as they are now: the server calls this for every load of the page.
  const load = async () => {
    const project = await openProject(opts);
    const { plan } = await planProject(project);
    return { outDir: project.settings.outDir, model: await buildPreviewModel(project, plan) };
  };
  const { outDir, model } = await load();

  if (o.staticDir !== undefined) {
    const { writeStaticPreview } = await import("../preview/static.js");
    // Relative to where rigup was started (opts.cwd), not the process's cwd: they differ in-process.
    const files = await writeStaticPreview({ outDir, model, dir: path.resolve(opts.cwd, o.staticDir) });
    return { kind: "static", dir: o.staticDir, files };
  }
  const { startPreviewServer } = await import("../preview/server.js");
  const server = await startPreviewServer({ outDir, loadModel: async () => (await load()).model, port: o.port });
  return { kind: "serving", url: server.url, characters: model.characters.length, outDir, close: () => server.close() };
}

/** The platform's opener; a failure only costs a note on `stderr`, the URL is already printed. */
export function openInBrowser(url: string, stderr: Writable): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", '""', url]]
        : ["xdg-open", [url]];
  const child = spawn(command, args, { stdio: "ignore", detached: true });
  child.on("error", (error) => stderr.write(`Could not open a browser (${error.message}); open ${url} yourself.\n`));
  child.unref();
}
