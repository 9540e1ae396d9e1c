/**
 * How a build ended, for the user (the run itself is shown by run.ts as it goes):
 * the "no changes" answers, an interrupted spend question, and a refusal with the
 * steps it concerns (also as a `refused` line under --json).
 */
import { jsonLine, writeLines, type Output } from "./output.js";
import type { BuildOutcome } from "../app/build-project.js";

/** Async only to load the plan's renderer when it is needed: the snapshot's answer stays fast. */
export async function reportBuild(outcome: BuildOutcome, out: Output): Promise<void> {
  switch (outcome.kind) {
    case "unchanged":
      out.stderr.write(`No changes. Outputs match characters.yaml and characters.lock (${outcome.upToDate} units up to date).\n`);
      return;
    case "up-to-date":
      // The same two lines a run that does nothing would print.
      if (out.json) {
        jsonLine(out, { type: "plan", plan: outcome.plan });
        jsonLine(out, { type: "run:done", at: Date.now(), summary: outcome.summary });
      } else out.stderr.write((await import("./plan-text.js")).renderPlan(outcome.plan, { color: out.color }));
      return;
    case "interrupted":
      out.stderr.write("Interrupted: nothing was sent.\n");
      return;
    case "refused": {
      const steps = outcome.steps ?? [];
      const { SYMBOLS } = await import("./plan-text.js");
      if (out.json) jsonLine(out, { type: "refused", message: outcome.message, steps: outcome.steps?.map((s) => s.key) ?? [] });
      writeLines(out, [
        `Error: ${outcome.message}`,
        ...steps.map((s) => `  ${s.action === "noop" ? "+" : SYMBOLS[s.action].symbol} ${s.key}: ${s.reasons.join("; ")}`),
      ]);
      return;
    }
    case "done":
      return;
  }
}
