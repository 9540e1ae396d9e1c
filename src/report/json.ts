/** `--json`: one JSON object per line on stdout, nothing else on stdout. */
import type { Writable } from "node:stream";
import type { Reporter } from "./reporter.js";

export function jsonReporter(stdout: Writable): Reporter {
  return {
    onEvent(event) {
      stdout.write(`${JSON.stringify(event)}\n`);
    },
    async close() {},
  };
}
