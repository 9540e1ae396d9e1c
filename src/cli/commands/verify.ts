/** `rigup verify`: re-hash every output against the lockfile, ignoring the stat cache. Offline, but for --store. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, output, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

interface VerifyFlags extends Omit<ProjectFlags, "store"> {
  store?: string | true;
  hash?: boolean;
}

export function registerVerifyCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("verify"))
    .description(
      "Re-hash every output file against characters.lock (no cache); exit 1 when any is missing or different. Offline, but for --store.",
    )
    .option("--store [url]", "check the team store instead (the configured one, or URL): every recorded output is there with its size")
    .option("--hash", "with --store: read every object back and re-hash it")
    .addOption(jsonOption())
    .action(async (flags: VerifyFlags) => {
      const [app, report] = await Promise.all([import("../../app/verify.js"), import("../../report/verify.js")]);
      const out = output(flags, ctx);
      if (flags.store === undefined) {
        const result = await app.verifyProject(projectOptions({ ...flags, store: undefined }, ctx));
        report.reportVerify(result, out);
        return setExit(result.ok ? EXIT.OK : EXIT.FAILURE);
      }
      const store = typeof flags.store === "string" ? flags.store : undefined;
      const result = await app.verifyProjectStore(projectOptions({ ...flags, store }, ctx), flags, { stderr: ctx.stderr });
      report.reportStoreVerify(result, flags.hash, out);
      setExit(result.ok ? EXIT.OK : EXIT.FAILURE);
    });
}
