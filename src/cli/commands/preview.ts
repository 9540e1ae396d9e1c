/**
 * `rigup preview`: every character and clip of the output tree in a local 3D page
 * (three.js from the installed package, offline), or written as static files.
 */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { intArg, output, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

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
    .action(async (flags: PreviewFlags) => {
      const [app, { reportPreview }] = await Promise.all([import("../../app/preview.js"), import("../../report/preview.js")]);
      const preview = await app.previewProject(projectOptions(flags, ctx), { staticDir: flags.static, port: flags.port });
      reportPreview(preview, output(flags, ctx));
      if (preview.kind === "serving") {
        if (flags.open) app.openInBrowser(preview.url, ctx.stderr);
        await new Promise<void>((resolve) => void ctx.signals.onInterrupt(resolve));
        await preview.close();
      }
      setExit(EXIT.OK);
    });
}
