/**
 * argv → one command → exit code. The only place that catches errors and picks
 * exit codes (see EXIT in errors.ts). Commands load lazily so `rigup check`, run
 * before every game build, starts fast.
 */
import { Command, CommanderError } from "commander";
import { EXIT, UserError } from "../diagnostics/errors.js";
import { StoreError } from "../store/object-store.js";
import { escapeControls, formatUserError, userErrorJson } from "../report/diagnostics.js";
import { detectColor, isCi, type CliEnv, type SignalHub } from "./env.js";
import { registerCommands } from "./commands/index.js";
import { redactSecrets } from "../text/redact.js";

import { VERSION } from "../app/version.js";

export async function main(argv: string[], overrides: Partial<CliEnv> = {}): Promise<number> {
  const env = overrides.env ?? process.env;
  const isTTY = overrides.isTTY ?? Boolean(process.stderr.isTTY);
  const ctx: CliEnv = {
    argv,
    env,
    cwd: overrides.cwd ?? process.cwd(),
    stdout: overrides.stdout ?? process.stdout,
    stderr: overrides.stderr ?? process.stderr,
    isTTY,
    color: overrides.color ?? detectColor(env, isTTY),
    ci: overrides.ci ?? isCi(env),
    confirm: overrides.confirm ?? (isTTY && process.stdin.isTTY ? askOnTerminal : undefined),
    signals: overrides.signals ?? processSignals(),
  };

  let exitCode: number = EXIT.OK;
  const program = new Command("rigup")
    .description("Rig and animate the characters in characters.yaml with Meshy, like terraform: plan, then build.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      // Usage errors quote the flags as typed.
      writeErr: (s) => void ctx.stderr.write(escapeLines(s)),
    });
  registerCommands(program, ctx, (code) => {
    exitCode = code;
  });
  // A --json caller reads stdout only: it gets the error there too.
  let json = false;
  // Whether a failing store can be left out for one run (plan, build), or is what the command is for (pull, push, verify --store).
  let canSkipStore = false;
  program.hook("preAction", (_program, command) => {
    json = command.opts().json === true;
    canSkipStore = command.options.some((o) => o.long === "--no-store");
  });

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    return reportError(err, ctx, { json, canSkipStore });
  }
}

/** Control characters escaped, line breaks kept. */
function escapeLines(s: string): string {
  return s.split("\n").map(escapeControls).join("\n");
}

function reportError(err: unknown, ctx: CliEnv, { json, canSkipStore }: { json: boolean; canSkipStore: boolean }): number {
  // Store credentials too: an S3 error from a third-party endpoint is not ours to trust.
  const secrets = [ctx.env.MESHY_API_KEY, ctx.env.AWS_SECRET_ACCESS_KEY, ctx.env.AWS_SESSION_TOKEN, ctx.env.AWS_ACCESS_KEY_ID];
  const write = (s: string) => void ctx.stderr.write(redactSecrets(s, secrets));
  if (err instanceof CommanderError) {
    // Help and version exit 0; a usage error was already printed by commander.
    return err.exitCode === 0 ? EXIT.OK : EXIT.INVALID_INPUT;
  }
  if (err instanceof UserError) {
    if (json) ctx.stdout.write(redactSecrets(`${JSON.stringify(userErrorJson(err))}\n`, secrets));
    write(formatUserError(err, { color: ctx.color, cwd: ctx.cwd }) + "\n");
    return err.exitCode;
  }
  if (err instanceof StoreError) {
    if (json) ctx.stdout.write(redactSecrets(`${JSON.stringify({ type: "error", code: err.code, message: err.message })}\n`, secrets));
    const hint = canSkipStore
      ? "Fix the store, or run with --no-store to work without it this once (nothing is adopted from the team, and outputs are not stored)."
      : "Fix the store (its address, credentials or network) and run again.";
    write(`Error: ${escapeLines(err.message)}\n\nHint: nothing was paid. ${hint}\n`);
    return EXIT.FAILURE;
  }
  const detail = escapeLines(err instanceof Error ? (err.stack ?? err.message) : String(err));
  write(
    `rigup hit an internal error. This is a bug: please report it with the text below.\n` +
      `rigup ${VERSION}, node ${process.version}, ${process.platform}-${process.arch}\n${detail}\n`,
  );
  return EXIT.FAILURE;
}

/** SIGINT/SIGTERM: the first one asks commands to wind down, the second exits at once. */
function processSignals(): SignalHub {
  const handlers = new Set<() => void>();
  let count = 0;
  const onSignal = () => {
    count += 1;
    if (count === 1 && handlers.size > 0) {
      for (const h of handlers) h();
      return;
    }
    process.exit(EXIT.INTERRUPTED);
  };
  let installed = false;
  return {
    onInterrupt(handler) {
      if (!installed) {
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
        installed = true;
      }
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}

async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // While asking, the terminal is raw and Ctrl-C arrives as a key: hand it to the one interrupt path, answer no.
  const ctrlC = new AbortController();
  rl.on("SIGINT", () => {
    process.stderr.write("\n");
    process.emit("SIGINT", "SIGINT");
    ctrlC.abort();
  });
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: ctrlC.signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch (err) {
    if (ctrlC.signal.aborted) return false;
    throw err;
  } finally {
    rl.close();
  }
}
