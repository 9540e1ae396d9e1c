/**
 * A run as the user sees it (build, pull): the plan once (when shown), then the
 * executor's events through one reporter: NDJSON under --json, live lines on a
 * terminal, plain lines in CI or a pipe. The reporter starts with the first event,
 * after the spend question, never over it.
 */
import type { ExecEvent } from "../execute/events.js";
import type { Plan } from "../plan/types.js";
import { jsonLine, type Output } from "./output.js";
import { displayDir, type Reporter } from "./reporter.js";

export interface RunView {
  onPlan(plan: Plan): void;
  onEvent(event: ExecEvent): void;
  /** Flushes and stops the reporter, if the run got that far. */
  close(): Promise<void>;
}

/** The run's reporter for outputs in `outDirAbs`, once the plan is known. */
export async function reporterFor(out: Output, outDirAbs: string): Promise<(plan: Plan) => Reporter> {
  const outDir = displayDir(out.cwd, outDirAbs);
  const m = out.json ? await import("./json.js") : out.live ? await import("./tty.js") : await import("./ci.js");
  return (plan) =>
    "jsonReporter" in m
      ? m.jsonReporter(out.stdout)
      : "ttyReporter" in m
        ? m.ttyReporter(plan, out.stderr, { color: out.color, outDir })
        : m.lineReporter(plan, out.stderr, { color: out.color, outDir });
}

/**
 * The view of a run for `out`. `showPlan`: print the plan before anything runs
 * (a `plan` line under --json, the plan as text otherwise), as `rigup build` does.
 */
export function runView(out: Output, { showPlan }: { showPlan: boolean }): (outDirAbs: string) => Promise<RunView> {
  return async (outDirAbs) => {
    const [startReporter, text] = await Promise.all([
      reporterFor(out, outDirAbs),
      showPlan && !out.json ? import("./plan-text.js") : undefined,
    ]);
    let shown: Plan | undefined;
    let reporter: Reporter | undefined;
    return {
      onPlan: (plan) => {
        if (showPlan) {
          if (out.json) jsonLine(out, { type: "plan", plan });
          else out.stderr.write(text!.renderPlan(plan, { color: out.color }));
        }
        shown = plan;
      },
      onEvent: (e) => (reporter ??= startReporter(shown!)).onEvent(e),
      close: async () => await reporter?.close(),
    };
  };
}
