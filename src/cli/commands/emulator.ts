/**
 * `rigup emulator`: runs the local Meshy API emulator until Ctrl-C, for demos,
 * offline work and rehearsing failures (429s, 5xx, lost answers, expiry).
 * Every knob of EmulatorOptions has a flag; the emulator loads lazily.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import type { CliEnv } from "../env.js";
import { intArg, numberArg } from "./common.js";

/** As commander parses them: numbers and durations (ms) are checked by their flag's parser. */
interface EmulatorFlags {
  port: number;
  host: string;
  speed: "instant" | "fast" | "realistic";
  apiVersions: "both" | "v1" | "v2";
  v2ListShape?: "envelope" | "array";
  rigMs?: number;
  animationMs?: number;
  queueLimit?: number;
  unlimitedPlanTasks?: number;
  credits?: number;
  concurrentTasks?: number;
  rateLimit?: number;
  urlTtl?: number;
  rigRetention?: number;
  animationRetention?: number;
  keepAlive?: number;
  clockSkew?: number;
  fault429?: number;
  fault5xx?: number;
  faultDropStream?: number;
  faultLostPost?: number;
  slowDownload?: number;
  faultExpiredUrl?: number;
  failInput: string[];
  rejectInput: string[];
  seed?: number;
  apiKey: string[];
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500", "500ms", "90s", "1h", "60d" -> ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`not a duration: "${text}" (examples: 500ms, 90s, 1h, 60d)`);
  return Number(m[1]) * UNITS[m[2] ?? "ms"]!;
}

/** A duration flag's parser; `positive` refuses 0 where the emulator needs a real interval. */
function durationArg(name: string, { positive = false } = {}): (text: string) => number {
  return (text) => {
    const ms = parseDuration(text);
    if (positive && ms === 0) throw new InvalidArgumentError(`${name} must be longer than 0, got "${text}"`);
    return ms;
  };
}

/** A share of requests, 0..1. */
const rateArg = (name: string) => numberArg(name, { min: 0, max: 1 });

const collect = (value: string, previous: string[]) => [...previous, value];

/** Flags -> EmulatorOptions input (validated by EmulatorOptionsSchema in startEmulator). */
export function emulatorOptionsFromFlags(f: EmulatorFlags) {
  return {
    port: f.port,
    host: f.host,
    speed: f.speed,
    apiVersions: f.apiVersions,
    v2ListShape: f.v2ListShape,
    rigMs: f.rigMs,
    animationMs: f.animationMs,
    queueLimit: f.queueLimit,
    unlimitedPlanTaskLimit: f.unlimitedPlanTasks,
    credits: f.credits,
    concurrentTasks: f.concurrentTasks,
    rateLimit: f.rateLimit,
    urlTtlMs: f.urlTtl,
    rigRetentionMs: f.rigRetention,
    animationRetentionMs: f.animationRetention,
    keepAliveMs: f.keepAlive,
    clockSkewMs: f.clockSkew,
    seed: f.seed,
    apiKeys: f.apiKey.length > 0 ? f.apiKey : undefined,
    apiKey: f.apiKey[0],
    faults: {
      rate429: f.fault429,
      rate5xx: f.fault5xx,
      dropStream: f.faultDropStream,
      lostPost: f.faultLostPost,
      expiredUrls: f.faultExpiredUrl,
      slowDownloadBps: f.slowDownload,
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
      "Run a local emulator of Meshy's Auto-Rigging & Animation API, v1 and v2 over one store of tasks (same endpoints, " +
        "status codes and bodies; generated GLB outputs; configurable speed, limits and faults). Stops on Ctrl-C.",
    )
    .option("--port <n>", "port to listen on (0 = any free port)", intArg("--port", 0, 65535), 8787)
    .option("--host <addr>", "address to listen on; keep loopback unless you mean to share it", "127.0.0.1")
    .addOption(
      new Option("--speed <preset>", "task durations: instant (0 s), fast (~1-2 s), realistic (~16-17 s)")
        .choices(["instant", "fast", "realistic"])
        .default("fast"),
    )
    .addOption(
      new Option(
        "--api-versions <which>",
        "API versions that answer; with v2 alone every /openapi/v1 route is a 404, as after Meshy's v1 switch-off on 2027-03-15",
      )
        .choices(["both", "v1", "v2"])
        .default("both"),
    )
    .addOption(
      new Option(
        "--v2-list-shape <shape>",
        'GET /openapi/v2/tasks answers {"data": [...], "has_more": bool} (envelope) or a bare array; the real shape is not documented (default envelope)',
      ).choices(["envelope", "array"]),
    )
    .option("--rig-ms <duration>", "rig task duration, overrides --speed (e.g. 500ms, 20s)", durationArg("--rig-ms"))
    .option("--animation-ms <duration>", "animation task duration, overrides --speed", durationArg("--animation-ms"))
    .option(
      "--queue-limit <n>",
      "unfinished tasks per account before creates answer 429 (v2 pending_task_limit_reached, v1 NoMorePendingTasks/NoMoreConcurrentTasks) (default 10)",
      intArg("--queue-limit", 1),
    )
    .option(
      "--unlimited-plan-tasks <n>",
      "make accounts a no-credit unlimited plan allowing n tasks in flight; beyond, creates answer 429 concurrent_task_limit_reached (v1 NoMoreConcurrentTasks) (default off)",
      intArg("--unlimited-plan-tasks", 1),
    )
    .option(
      "--credits <n>",
      "starting credit balance per account (rig 5, animation 3); creates beyond it answer 402 (default unlimited)",
      intArg("--credits"),
    )
    .option(
      "--concurrent-tasks <n>",
      "tasks per account running at once; the rest wait PENDING (default 5)",
      intArg("--concurrent-tasks", 1),
    )
    .option(
      "--rate-limit <n>",
      "requests per second per account, v1 and v2 together, before 429 rate_limit_exceeded (v1 RateLimitExceeded) with Retry-After; 0 = off (default 20)",
      numberArg("--rate-limit"),
    )
    .option(
      "--url-ttl <duration>",
      "lifetime of the signed asset URLs v1 reads hand out (v2 reads give the same URL each time, valid until the task expires) (default 1h)",
      durationArg("--url-ttl", { positive: true }),
    )
    .option(
      "--rig-retention <duration>",
      "how long rig tasks live after finishing (default 3d)",
      durationArg("--rig-retention", { positive: true }),
    )
    .option(
      "--animation-retention <duration>",
      "how long animation tasks live after finishing (default 3d)",
      durationArg("--animation-retention", { positive: true }),
    )
    .option("--keep-alive <duration>", "SSE keep-alive re-send interval (default 10s)", durationArg("--keep-alive", { positive: true }))
    .option(
      "--clock-skew <ms>",
      "the emulator's clock minus real time, in ms (negative: clients' clocks run ahead); task times and the Date header follow it",
      numberArg("--clock-skew", { min: -86_400_000, max: 86_400_000, integer: true }),
    )
    .option(
      "--fault-429 <rate>",
      "share (0..1) of API requests answered 429 rate_limit_exceeded (v1 RateLimitExceeded)",
      rateArg("--fault-429"),
    )
    .option("--fault-5xx <rate>", "share (0..1) of API requests answered 500/502/503", rateArg("--fault-5xx"))
    .option("--fault-drop-stream <rate>", "share (0..1) of SSE streams cut before their terminal event", rateArg("--fault-drop-stream"))
    .option("--fault-lost-post <rate>", "share (0..1) of creates whose task is made but whose answer is lost", rateArg("--fault-lost-post"))
    .option("--slow-download <bytes-per-s>", "throttle asset downloads to this many bytes per second", intArg("--slow-download"))
    .option("--fault-expired-url <rate>", "share (0..1) of task reads whose asset URLs are already expired", rateArg("--fault-expired-url"))
    .option(
      "--fail-input <sha256|substring>",
      "rig inputs that end FAILED (model sha256, or part of model_url/input_task_id; repeatable)",
      collect,
      [],
    )
    .option("--reject-input <sha256|substring>", "rig inputs refused with 422 pose estimation failed (repeatable)", collect, [])
    .option("--seed <n>", "seed of the PRNG deciding rate-based faults (default 1)", intArg("--seed"))
    .option("--api-key <key>", "accept only this key (repeatable); by default any key starting with msy_ is accepted", collect, [])
    .addHelpText(
      "after",
      "\nAPI v1: /openapi/v1/rigging and /openapi/v1/animations (create, list, /:id, /:id/stream, DELETE /:id), /openapi/v1/animations/library.\n" +
        "API v2: POST /openapi/v2/rigging, POST /openapi/v2/animations, GET /openapi/v2/tasks?type=rig|animate, GET|DELETE /openapi/v2/tasks/:id,\n" +
        "GET /openapi/v2/tasks/:id/stream, GET /openapi/v2/animations/library. Both versions read and limit the same tasks;\n" +
        "the v2 choices the docs leave open (task types, list shape, invented error codes) are inferred, not documented by Meshy.\n" +
        '\nControl a running emulator: GET /__emulator/stats, POST /__emulator/clock {"advance_ms": n},\n' +
        'GET|POST /__emulator/faults (e.g. {"script": [{"match": "POST /openapi/v2/rigging", "nth": 1, "fault": "lost-answer"}]};\n' +
        'match takes the endpoint keys of the stats, e.g. "GET /openapi/v2/tasks/:id", "GET /openapi/v1/rigging/:id/stream", "GET assets"),\n' +
        "POST /__emulator/reset (tasks, counters, faults and clock as at start).",
    )
    .action(async (flags: EmulatorFlags) => {
      const stderr = ctx?.stderr ?? process.stderr;
      const [{ serveEmulator }, report] = await Promise.all([import("../../app/emulator.js"), import("../../report/emulator.js")]);
      const emu = await serveEmulator(emulatorOptionsFromFlags(flags));
      report.reportEmulatorStarted(emu, { userKey: flags.apiKey.length > 0 }, stderr);
      await untilInterrupted(ctx);
      await emu.close();
      report.reportEmulatorStopped(stderr);
    });
}

/** Ctrl-C (or SIGTERM): through main's signal hub when there is one. */
function untilInterrupted(ctx: Pick<CliEnv, "signals"> | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ctx) return void ctx.signals.onInterrupt(resolve);
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
