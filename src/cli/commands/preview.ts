/**
 * `rigup preview`: every character and clip of the output tree in a local 3D page
 * (three.js from the installed package, offline), or written as static files.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { intArg, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

interface PreviewFlags extends ProjectFlags {
  port?: number;
  open?: boolean;
  static?: string;
}

export function registerPreviewCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("preview"))
    .description("Show every character and clip in a local 3D page, with stale, missing and failed items marked. Offline.")
    .option("--port <n>", "port on 127.0.0.1 (default: a free one)", intArg("--port"))
    .option("--open", "open the page in the default browser")
    .option("--static <dir>", "write the page, its data and copies of the GLBs to DIR instead of serving (for CI artifacts)")
    .action(async (flags: PreviewFlags) => setExit(await runPreview(flags, ctx)));
}

export async function runPreview(flags: PreviewFlags, ctx: CliEnv): Promise<number> {
  const [{ openProject, planProject }, { buildPreviewModel }] = await Promise.all([
    import("../../app/project.js"),
    import("../../preview/index.js"),
  ]);
  // Manifest, lockfile and tree as they are now: the server calls this for every load of the page.
  const load = async () => {
    const project = await openProject(projectOptions(flags, ctx));
    const { plan } = await planProject(project);
    return { outDir: project.settings.outDir, model: await buildPreviewModel(project, plan) };
  };
  const { outDir, model } = await load();

  if (flags.static !== undefined) {
    const { writeStaticPreview } = await import("../../preview/static.js");
    // Relative to where rigup was started (ctx.cwd), not the process's cwd: they differ in-process.
    const files = await writeStaticPreview({ outDir, model, dir: path.resolve(ctx.cwd, flags.static) });
    ctx.stderr.write(
      `Wrote the preview to ${flags.static} (${files.length} files). Browsers do not run it from disk (file://): ` +
        `serve it over HTTP, e.g. \`python3 -m http.server -d ${flags.static}\` or \`npx http-server ${flags.static}\`.\n`,
    );
    return EXIT.OK;
  }

  const { startPreviewServer } = await import("../../preview/server.js");
  const server = await startPreviewServer({ outDir, loadModel: async () => (await load()).model, port: flags.port });
  ctx.stderr.write(`Previewing ${model.characters.length} characters from ${outDir} at ${server.url} (Ctrl-C to stop)\n`);
  if (flags.open) openBrowser(server.url, ctx);
  await new Promise<void>((resolve) => void ctx.signals.onInterrupt(resolve));
  await server.close();
  return EXIT.OK;
}

/** The platform's opener; a failure only costs a warning, the URL is already printed. */
function openBrowser(url: string, ctx: CliEnv): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", '""', url]]
        : ["xdg-open", [url]];
  const child = spawn(command, args, { stdio: "ignore", detached: true });
  child.on("error", (error) => ctx.stderr.write(`Could not open a browser (${error.message}); open ${url} yourself.\n`));
  child.unref();
}
