/** `rigup emulator`: where it listens and how to point a client at it; then that it stopped. */
import type { Writable } from "node:stream";
import type { RunningEmulator } from "../app/emulator.js";

/** `userKey`: the user chose the keys (`--api-key`); those are not echoed. */
export function reportEmulatorStarted(emu: RunningEmulator, { userKey }: { userKey: boolean }, stderr: Writable): void {
  const { options } = emu;
  // Print the key only when it is the emulator's built-in one; a key the user chose is not echoed.
  const key = userKey ? "<the key you passed with --api-key>" : emu.apiKey;
  stderr.write(
    `Meshy API emulator listening on ${emu.url} (API ${options.apiVersions === "both" ? "v1 and v2" : options.apiVersions}, speed ${options.speed}, queue ${options.queueLimit}, ${options.rateLimit || "unlimited"} req/s)\n\n` +
      `Point rigup, or any Meshy client, at it:\n` +
      `  export MESHY_API_BASE=${emu.url}\n  export MESHY_API_KEY=${key}\n\n` +
      `Stats: ${emu.url}/__emulator/stats   Press Ctrl-C to stop.\n`,
  );
}

export function reportEmulatorStopped(stderr: Writable): void {
  stderr.write("Emulator stopped.\n");
}
