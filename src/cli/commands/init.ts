/** `rigup init`: a starter characters.yaml and the git conventions around it. Never overwrites; an existing manifest is kept. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, output } from "./common.js";

interface InitFlags {
  manifest: string;
  out: string;
  commitOutputs?: boolean;
  json?: boolean;
}

export function registerInitCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  program
    .command("init")
    .description(
      "Write a commented starter characters.yaml (an existing one is kept), and add rigup's lines to .gitignore (.rigup/ and, unless --commit-outputs, the output dir) and .gitattributes. Never overwrites a file.",
    )
    .option("-m, --manifest <file>", "the manifest to create", "characters.yaml")
    .option("-o, --out <dir>", "output directory, relative to the manifest", "out")
    .option("--commit-outputs", "commit the outputs instead of ignoring them (offers Git LFS lines in .gitattributes)")
    .addOption(jsonOption())
    .action(async (flags: InitFlags) => {
      const [{ initRepo }, { reportInit }] = await Promise.all([import("../../app/init.js"), import("../../report/init.js")]);
      const commitOutputs = Boolean(flags.commitOutputs);
      const result = await initRepo({ manifest: flags.manifest, cwd: ctx.cwd, outDir: flags.out, commitOutputs });
      reportInit(result, { commitOutputs }, output(flags, ctx));
      setExit(EXIT.OK);
    });
}
