/**
 * Interactive terminals. Each unit that ends prints one permanent line (✔, ✖
 * with the reason, − not run); below them a block redrawn in place shows every
 * unit still running or waiting, in words (a clip says which rig it waits for),
 * then one overall line: units done of total, credits spent, elapsed time.
 *
 * It writes only to the stream it is given (stderr: stdout is for `--json`),
 * and installs no signal handlers: Ctrl-C is main's, one path on and off a TTY.
 * Lines are cut to the terminal's width and the block to its height, so the
 * cursor-up redraw always lands where the block began.
 */
import type { Writable } from "node:stream";
import type { RunSummary } from "../execute/events.js";
import type { Plan } from "../plan/types.js";
import { eraseLinesAbove, paint } from "../text/ansi.js";
import { Progress, outcomeText, type UnitView } from "./progress.js";
import { formatSummary, runEventLine, type Reporter, type ReporterOptions } from "./reporter.js";

const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
const FRAME_MS = 100;

export function ttyReporter(plan: Plan, stderr: Writable, opts: ReporterOptions): Reporter {
  const { color } = opts;
  const term = stderr as Partial<NodeJS.WriteStream>;
  const started = Date.now();
  const progress = new Progress(plan);
  let pending: string[] = [];
  let drawn = 0;
  let tick = 0;
  let summary: RunSummary | undefined;

  /** Cuts a line that starts `indent` columns in to the terminal's width: a wrapped line would break the redraw. */
  const fit = (text: string, indent = 0) => {
    const width = Math.max(20, (term.columns || 80) - 1 - indent);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };

  const finished = (u: UnitView): string => {
    const mark =
      u.outcome === "failed"
        ? paint(color, "red", "✖")
        : u.outcome === "blocked" || u.outcome === "interrupted"
          ? paint(color, "yellow", "−")
          : paint(color, "green", "✔");
    // Permanent lines may wrap: they are never redrawn.
    return `  ${mark} ${u.title}  ${u.outcome === "failed" ? paint(color, "red", outcomeText(u)) : outcomeText(u)}`;
  };

  const block = (): string[] => {
    const live = [...progress.units.values()].filter((u) => u.outcome === undefined);
    const room = Math.max(1, (term.rows || 24) - 2);
    const shown = live.length > room ? live.slice(0, room - 1) : live;
    const lines = shown.map((u) => {
      const mark = u.busy ? paint(color, "cyan", SPINNER[tick % SPINNER.length]!) : paint(color, "dim", "·");
      const text = fit(`${u.title}  ${u.doing}`, 4);
      return `  ${mark} ${u.busy ? text : paint(color, "dim", text)}`;
    });
    if (shown.length < live.length) lines.push(paint(color, "dim", `  … and ${live.length - shown.length} more waiting`));
    lines.push(fit(overall()));
    return lines;
  };

  const overall = (): string => {
    const secs = Math.floor((Date.now() - started) / 1000);
    const parts = [`${progress.done}/${progress.total} units done`];
    if (progress.failed) parts.push(`${progress.failed} failed`);
    if (progress.budget) parts.push(`${progress.spent} of up to ${progress.budget} credits spent`);
    parts.push(`${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")} elapsed`);
    return parts.join(" · ");
  };

  /** Erases the block, prints what became permanent, draws the block again (unless closing). */
  const render = (final = false) => {
    const erase = eraseLinesAbove(drawn);
    const lines = final ? [] : block();
    const text = erase + pending.map((l) => `${l}\n`).join("") + lines.map((l) => `${l}\n`).join("");
    pending = [];
    drawn = lines.length;
    stderr.write(text);
  };

  const timer = setInterval(() => {
    tick += 1;
    render();
  }, FRAME_MS);
  timer.unref();
  render();

  const said = new Set<string>();
  return {
    onEvent(e) {
      if (e.type === "run:stopping") pending.push(paint(color, "yellow", `stopping: ${e.message}`));
      else if (e.type === "run:done") summary = e.summary;
      const extra = runEventLine(e, color, said);
      if (extra !== undefined) pending.push(extra);
      const unit = progress.apply(e);
      if (e.type === "unit:done" && unit) pending.push(finished(unit));
      if (pending.length > 0) render();
    },
    async close() {
      clearInterval(timer);
      // Units the executor never reached (a stopped run) end as "not run" lines.
      for (const u of progress.units.values()) {
        if (u.outcome === undefined) pending.push(`  ${paint(color, "yellow", "−")} ${u.title}  not run`);
      }
      if (summary) pending.push(formatSummary(summary, opts.outDir));
      render(true);
    },
  };
}
