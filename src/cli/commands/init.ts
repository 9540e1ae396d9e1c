/** `rigup init`: a starter characters.yaml and the git conventions around it. Never overwrites; an existing manifest is kept. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption } from "./common.js";

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
      const [{ initProject }, { resolve, relative }] = await Promise.all([import("../../init/index.js"), import("node:path")]);
      const result = await initProject({ manifestFile: resolve(ctx.cwd, flags.manifest), commitOutputs: Boolean(flags.commitOutputs), outDir: flags.out });
      if (flags.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      const why = { created: "", updated: "", kept: " (exists: left as it is)", unchanged: " (has rigup's lines already)" };
      const out = result.files.map(
        (f) => `${f.outcome.padEnd(9)} ${relative(ctx.cwd, f.path) || f.path}${f.added.length ? ` (${f.added.length} lines added)` : why[f.outcome]}`,
      );
      out.push(
        "",
        `Commit: ${result.commit.join(", ")} (characters.lock appears after the first build).`,
        `Not committed: ${result.ignore.join(", ")}.`,
      );
      if (!flags.commitOutputs) {
        out.push(
          `Outputs are ignored: a clone gets them with \`rigup build --frozen\` (free while Meshy keeps the tasks).`,
          "Once tasks expire they cannot be downloaded again: commit them (`rigup init --commit-outputs`, with Git LFS) or keep them as a CI artifact.",
        );
      }
      const kept = result.files[0]!.outcome === "kept";
      out.push(kept ? "Next: `rigup plan` shows what a build would do and cost." : "Next: add a character to characters.yaml (`rigup actions` lists animations), then `rigup plan`.");
      ctx.stderr.write(`${out.join("\n")}\n`);
      setExit(EXIT.OK);
    });
}
