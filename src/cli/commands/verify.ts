/** `rigup verify`: re-hash every output against the lockfile, ignoring the stat cache. Offline. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

interface VerifyFlags extends Omit<ProjectFlags, "store"> {
  store?: string | true;
  hash?: boolean;
}

export function registerVerifyCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("verify"))
    .description("Re-hash every output file against characters.lock (no cache); exit 1 when any is missing or different. Offline, but for --store.")
    .option("--store [url]", "check the team store instead (the configured one, or URL): every recorded output is there with its size")
    .option("--hash", "with --store: read every object back and re-hash it")
    .addOption(jsonOption())
    .action(async (flags: VerifyFlags) => {
      if (flags.store !== undefined) return setExit(await verifyInStore(flags, ctx));
      const [{ openProject }, { verifyOutputs }, { StatCache }, { dropSnapshot }] = await Promise.all([
        import("../../app/project.js"),
        import("../../app/verify.js"),
        import("../../scan/stat-cache.js"),
        import("../../app/check-snapshot.js"),
      ]);
      const project = await openProject(projectOptions({ ...flags, store: undefined }, ctx));
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

async function verifyInStore(flags: VerifyFlags, ctx: CliEnv): Promise<number> {
  const [{ openProject }, { verifyStore }, { openProjectStore }, { UserError }] = await Promise.all([
    import("../../app/project.js"),
    import("../../store/verify.js"),
    import("./store.js"),
    import("../../diagnostics/errors.js"),
  ]);
  const project = await openProject(projectOptions({ ...flags, store: typeof flags.store === "string" ? flags.store : undefined }, ctx));
  const store = await openProjectStore(project.settings, ctx);
  if (!store) throw new UserError("NO_STORE", "verify --store: no team store is configured", { hint: "pass --store URL, set RIGUP_STORE, or set `store` in the config" });
  try {
    const report = await verifyStore(project.lock, store, { hash: flags.hash });
    if (flags.json) ctx.stdout.write(`${JSON.stringify({ store: store.label, ...report }, null, 2)}\n`);
    const bad = report.files.filter((f) => f.status !== "ok");
    const why = { missing: () => "not in the store", "wrong-size": (a: unknown) => `the store's copy is ${a} bytes`, corrupted: (a: unknown) => `the store's copy hashes to ${a}` };
    const lines = bad.map((f) => `${f.path}: ${why[f.status as keyof typeof why](f.actual)}, the lockfile says ${f.size} bytes, sha256 ${f.sha256} (${f.unit})`);
    lines.push(
      report.ok
        ? `rigup verify --store: all ${report.files.length} recorded outputs are in ${store.label}${flags.hash ? " and hash as recorded" : " with their sizes"}.`
        : `rigup verify --store: ${bad.length} of ${report.files.length} recorded outputs are not in ${store.label} as recorded; \`rigup push\` from a machine that has them uploads them.`,
    );
    ctx.stderr.write(`${lines.join("\n")}\n`);
    return report.ok ? EXIT.OK : EXIT.FAILURE;
  } finally {
    await store.close();
  }
}
