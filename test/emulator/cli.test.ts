/** `rigup emulator` in-process: flags reach the emulator, the URL and env lines are printed, Ctrl-C stops it. */
import { PassThrough } from "node:stream";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { emulatorOptionsFromFlags, parseDuration, registerEmulatorCommand } from "../../src/cli/commands/emulator.js";
import { EmulatorOptionsSchema } from "../../src/emulator/index.js";

describe("rigup emulator", () => {
  it("parses durations", () => {
    expect([parseDuration("250"), parseDuration("250ms"), parseDuration("90s"), parseDuration("1h"), parseDuration("60d")]).toEqual([
      250,
      250,
      90_000,
      3_600_000,
      60 * 86_400_000,
    ]);
    expect(() => parseDuration("soon")).toThrow(/not a duration/);
  });

  it("maps every flag onto EmulatorOptions", () => {
    const program = new Command().exitOverride();
    let flags: unknown;
    registerEmulatorCommand(program);
    program.commands[0]!.action((f) => void (flags = f));
    program.parse(
      [
        "emulator",
        "--port",
        "0",
        "--speed",
        "realistic",
        "--rig-ms",
        "2s",
        "--animation-ms",
        "1500",
        "--queue-limit",
        "20",
        "--concurrent-tasks",
        "3",
        "--rate-limit",
        "100",
        "--url-ttl",
        "10m",
        "--rig-retention",
        "5d",
        "--animation-retention",
        "1d",
        "--keep-alive",
        "5s",
        "--fault-429",
        "0.1",
        "--fault-5xx",
        "0.2",
        "--fault-drop-stream",
        "0.3",
        "--fault-lost-post",
        "0.4",
        "--slow-download",
        "1000",
        "--fault-expired-url",
        "0.5",
        "--fail-input",
        "a",
        "--fail-input",
        "b",
        "--reject-input",
        "c",
        "--seed",
        "7",
        "--api-key",
        "msy_x",
        "--api-versions",
        "v2",
        "--v2-list-shape",
        "array",
        "--unlimited-plan-tasks",
        "4",
      ],
      { from: "user" },
    );
    const o = EmulatorOptionsSchema.parse(emulatorOptionsFromFlags(flags as Parameters<typeof emulatorOptionsFromFlags>[0]));
    expect(o).toMatchObject({
      port: 0,
      speed: "realistic",
      rigMs: 2000,
      animationMs: 1500,
      queueLimit: 20,
      concurrentTasks: 3,
      rateLimit: 100,
      urlTtlMs: 600_000,
      rigRetentionMs: 5 * 86_400_000,
      animationRetentionMs: 86_400_000,
      keepAliveMs: 5000,
      seed: 7,
      apiKeys: ["msy_x"],
      apiKey: "msy_x",
      apiVersions: "v2",
      v2ListShape: "array",
      unlimitedPlanTaskLimit: 4,
      faults: {
        rate429: 0.1,
        rate5xx: 0.2,
        dropStream: 0.3,
        lostPost: 0.4,
        slowDownloadBps: 1000,
        expiredUrls: 0.5,
        failInputs: ["a", "b"],
        rejectInputs: ["c"],
      },
    });
  });

  it("serves both API versions by default and documents the v2 knobs in --help", () => {
    const program = new Command().exitOverride();
    let flags: unknown;
    registerEmulatorCommand(program);
    const command = program.commands[0]!;
    command.action((f) => void (flags = f));
    program.parse(["emulator"], { from: "user" });
    expect(EmulatorOptionsSchema.parse(emulatorOptionsFromFlags(flags as Parameters<typeof emulatorOptionsFromFlags>[0]))).toMatchObject({
      apiVersions: "both",
      v2ListShape: "envelope",
    });
    let help = "";
    command.configureOutput({ writeOut: (text) => void (help += text) });
    command.outputHelp();
    for (const text of [
      "--api-versions",
      "--v2-list-shape",
      "--unlimited-plan-tasks",
      "concurrent_task_limit_reached",
      "pending_task_limit_reached",
      "GET /openapi/v2/tasks/:id",
    ]) {
      expect(help).toContain(text);
    }
    expect(help).toMatch(/inferred/i);
  });

  it("runs until interrupted and prints how to point clients at it", async () => {
    const stderr = new PassThrough();
    let output = "";
    stderr.on("data", (d) => (output += String(d)));
    let interrupt: (() => void) | undefined;
    const signals = { onInterrupt: (h: () => void) => ((interrupt = h), () => undefined) };
    const program = new Command().exitOverride();
    registerEmulatorCommand(program, { stderr, signals });
    const running = program.parseAsync(["emulator", "--port", "0", "--speed", "instant"], { from: "user" });
    const deadline = Date.now() + 5000;
    while (!interrupt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const base = /MESHY_API_BASE=(\S+)/.exec(output)?.[1];
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toContain("MESHY_API_KEY=msy_emulator_local_key");
    const res = await fetch(`${base}/openapi/v1/animations/library`, { headers: { Authorization: "Bearer msy_emulator_local_key" } });
    expect(res.status).toBe(200);
    interrupt!();
    await running;
    expect(output).toContain("Emulator stopped.");
  });

  it("does not echo a key passed with --api-key", async () => {
    const stderr = new PassThrough();
    let output = "";
    stderr.on("data", (d) => (output += String(d)));
    let interrupt: (() => void) | undefined;
    const program = new Command().exitOverride();
    registerEmulatorCommand(program, { stderr, signals: { onInterrupt: (h) => ((interrupt = h), () => undefined) } });
    const running = program.parseAsync(["emulator", "--port", "0", "--api-key", "msy_secret_value"], { from: "user" });
    const deadline = Date.now() + 5000;
    while (!interrupt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    interrupt!();
    await running;
    expect(output).toContain("MESHY_API_KEY=");
    expect(output).not.toContain("msy_secret_value");
  });
});
