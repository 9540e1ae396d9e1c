/**
 * `rigup emulator`: runs the local Meshy API emulator until Ctrl-C, for demos,
 * offline work and rehearsing failures (429s, 5xx, lost answers, expiry).
 * Every knob of EmulatorOptions has a flag; the emulator loads lazily.
 */
import { Option, type Command } from "commander";
import type { CliEnv } from "../env.js";

interface EmulatorFlags {
  port: string;
  host: string;
  speed: "instant" | "fast" | "realistic";
  rigMs?: string;
  animationMs?: string;
  queueLimit?: string;
  credits?: string;
  concurrentTasks?: string;
  rateLimit?: string;
  urlTtl?: string;
  rigRetention?: string;
  animationRetention?: string;
  keepAlive?: string;
  fault429?: string;
  fault5xx?: string;
  faultDropStream?: string;
  faultLostPost?: string;
  slowDownload?: string;
  faultExpiredUrl?: string;
  failInput: string[];
  rejectInput: string[];
  seed?: string;
  apiKey: string[];
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500", "500ms", "90s", "1h", "60d" -> ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: "${text}" (examples: 500ms, 90s, 1h, 60d)`);
  return Number(m[1]) * UNITS[m[2] ?? "ms"]!;
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`not a number: "${text}"`);
  return n;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Flags -> EmulatorOptions input (validated by EmulatorOptionsSchema in startEmulator). */
export function emulatorOptionsFromFlags(f: EmulatorFlags) {
  const ms = (t: string | undefined) => (t === undefined ? undefined : parseDuration(t));
  return {
    port: num(f.port),
    host: f.host,
    speed: f.speed,
    rigMs: ms(f.rigMs),
    animationMs: ms(f.animationMs),
    queueLimit: num(f.queueLimit),
    credits: num(f.credits),
    concurrentTasks: num(f.concurrentTasks),
    rateLimit: num(f.rateLimit),
    urlTtlMs: ms(f.urlTtl),
    rigRetentionMs: ms(f.rigRetention),
    animationRetentionMs: ms(f.animationRetention),
    keepAliveMs: ms(f.keepAlive),
    seed: num(f.seed),
    apiKeys: f.apiKey.length > 0 ? f.apiKey : undefined,
    apiKey: f.apiKey[0],
    faults: {
      rate429: num(f.fault429),
      rate5xx: num(f.fault5xx),
      dropStream: num(f.faultDropStream),
      lostPost: num(f.faultLostPost),
      expiredUrls: num(f.faultExpiredUrl),
      slowDownloadBps: num(f.slowDownload),
      failInputs: f.failInput,
      rejectInputs: f.rejectInput,
    },
  };
}

/** Registers `rigup emulator`. `ctx` defaults to the process's stderr and signals. */
export function registerEmulatorCommand(program: Command, ctx?: Pick<CliEnv, "stderr" | "signals">): void {
  program
    .command("emulator")
    .description(
      "Run a local emulator of Meshy's Auto-Rigging & Animation API (same endpoints, status codes and bodies; " +
        "generated GLB outputs; configurable speed, limits and faults). Stops on Ctrl-C.",
    )
    .option("--port <n>", "port to listen on (0 = any free port)", "8787")
    .option("--host <addr>", "address to listen on; keep loopback unless you mean to share it", "127.0.0.1")
    .addOption(new Option("--speed <preset>", "task durations: instant (0 s), fast (~1-2 s), realistic (~16-17 s)").choices(["instant", "fast", "realistic"]).default("fast"))
    .option("--rig-ms <duration>", "rig task duration, overrides --speed (e.g. 500ms, 20s)")
    .option("--animation-ms <duration>", "animation task duration, overrides --speed")
    .option("--queue-limit <n>", "unfinished tasks per account before creates answer 429 NoMoreConcurrentTasks/NoMorePendingTasks (default 10)")
    .option("--credits <n>", "starting credit balance per account (rig 5, animation 3); creates beyond it answer 402 (default unlimited)")
    .option("--concurrent-tasks <n>", "tasks per account running at once; the rest wait PENDING (default 5)")
    .option("--rate-limit <n>", "requests per second per account before 429 RateLimitExceeded; 0 = off (default 20)")
    .option("--url-ttl <duration>", "lifetime of signed asset URLs (default 1h)")
    .option("--rig-retention <duration>", "how long rig tasks live after finishing (default 60d)")
    .option("--animation-retention <duration>", "how long animation tasks live after finishing (default 3d)")
    .option("--keep-alive <duration>", "SSE keep-alive re-send interval (default 10s)")
    .option("--fault-429 <rate>", "share (0..1) of API requests answered 429 RateLimitExceeded")
    .option("--fault-5xx <rate>", "share (0..1) of API requests answered 500/502/503")
    .option("--fault-drop-stream <rate>", "share (0..1) of SSE streams cut before their terminal event")
    .option("--fault-lost-post <rate>", "share (0..1) of creates whose task is made but whose answer is lost")
    .option("--slow-download <bytes-per-s>", "throttle asset downloads to this many bytes per second")
    .option("--fault-expired-url <rate>", "share (0..1) of task reads whose asset URLs are already expired")
    .option("--fail-input <sha256|substring>", "rig inputs that end FAILED (model sha256, or part of model_url/input_task_id; repeatable)", collect, [])
    .option("--reject-input <sha256|substring>", "rig inputs refused with 422 pose estimation failed (repeatable)", collect, [])
    .option("--seed <n>", "seed of the PRNG deciding rate-based faults (default 1)")
    .option("--api-key <key>", "accept only this key (repeatable); by default any key starting with msy_ is accepted", collect, [])
    .addHelpText(
      "after",
      "\nControl a running emulator: GET /__emulator/stats, POST /__emulator/clock {\"advance_ms\": n},\n" +
        "GET|POST /__emulator/faults (e.g. {\"script\": [{\"match\": \"POST /openapi/v1/rigging\", \"nth\": 1, \"fault\": \"lost-answer\"}]}),\n" +
        "POST /__emulator/reset. See src/emulator/README.md.",
    )
    .action(async (flags: EmulatorFlags) => {
      const stderr = ctx?.stderr ?? process.stderr;
      const { startEmulator, EmulatorOptionsSchema } = await import("../../emulator/index.js");
      const options = EmulatorOptionsSchema.parse(emulatorOptionsFromFlags(flags));
      const emu = await startEmulator(options);
      // Print the key only when it is the emulator's built-in one; a key the user chose is not echoed.
      const key = flags.apiKey.length > 0 ? "<the key you passed with --api-key>" : emu.apiKey;
      stderr.write(
        `Meshy API emulator listening on ${emu.url} (speed ${options.speed}, queue ${options.queueLimit}, ${options.rateLimit || "unlimited"} req/s)\n\n` +
          `Point rigup, or any Meshy client, at it:\n` +
          `  export MESHY_API_BASE=${emu.url}\n  export MESHY_API_KEY=${key}\n\n` +
          `Stats: ${emu.url}/__emulator/stats   Press Ctrl-C to stop.\n`,
      );
      await new Promise<void>((resolve) => {
        if (ctx) return void ctx.signals.onInterrupt(resolve);
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      await emu.close();
      stderr.write("Emulator stopped.\n");
    });
}
