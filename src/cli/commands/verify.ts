/** `rigup verify`: re-hash every output against the lockfile, ignoring the stat cache. Offline. */
import type { Command } from "commander";
import { EXIT } from "../../errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

export function registerVerifyCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("verify"))
    .description("Re-hash every output file against characters.lock (no cache); exit 1 when any is missing or different. Offline.")
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => {
      const [{ openProject }, { verifyOutputs }, { StatCache }, { dropSnapshot }] = await Promise.all([
        import("../../project.js"),
        import("../../verify.js"),
        import("../../scan/stat-cache.js"),
        import("../../check-snapshot.js"),
      ]);
      const project = await openProject(projectOptions(flags, ctx));
      const { stateDir, outDir } = project.settings;
      // What verify learns reaches the next check and build: they trust size and mtime, verify does not.
      const statCache = await StatCache.load(stateDir);
      const report = await verifyOutputs(project.lock, outDir, (abs, facts) => statCache.record(abs, facts));
      await statCache.save();
      if (!report.ok) dropSnapshot(stateDir);
      if (flags.json) ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      const bad = report.files.filter((f) => f.status !== "ok");
      const lines = bad.map((f) =>
        f.status === "mismatch"
          ? `${f.path}: sha256 ${f.actual} but the lockfile says ${f.expected} (${f.unit})`
          : f.status === "missing"
            ? `${f.path}: missing (${f.unit})`
            : `${f.path}: refused: the lockfile path leaves the output directory (${f.unit})`,
      );
      lines.push(
        report.ok ? `rigup verify: all ${report.files.length} files match characters.lock.` : `rigup verify: ${bad.length} of ${report.files.length} files do not match characters.lock; \`rigup build\` re-downloads them.`,
      );
      ctx.stderr.write(`${lines.join("\n")}\n`);
      setExit(report.ok ? EXIT.OK : EXIT.FAILURE);
    });
}
