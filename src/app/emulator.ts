/** `rigup emulator`: the local Meshy API emulator, started with validated options, until the caller stops it. */
import { EmulatorOptionsSchema, startEmulator, type EmulatorOptions, type ResolvedOptions } from "../emulator/index.js";

export interface RunningEmulator {
  /** Base URL (what MESHY_API_BASE takes). */
  url: string;
  /** A key it accepts. */
  apiKey: string;
  options: ResolvedOptions;
  close(): Promise<void>;
}

/** @throws ZodError when `input` is out of range (the flags' parsers catch most of that first). */
export async function serveEmulator(input: EmulatorOptions): Promise<RunningEmulator> {
  const options = EmulatorOptionsSchema.parse(input);
  const emu = await startEmulator(options);
  return { url: emu.url, apiKey: emu.apiKey, options, close: () => emu.close() };
}
