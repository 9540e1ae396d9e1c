/**
 * The plan as text, terraform style (STYLE.md): a legend of only the symbols used,
 * one line per change with `#` lines saying why, warnings, and a closing count line,
 * or an explicit "No changes.". Rendered from the same `Plan` that `--json` prints.
 */
import type { Plan, PlanStep, StepAction } from "../plan/types.js";
import { oneLine } from "../text/ansi.js";
import { unitLabel } from "./unit-label.js";

export interface RenderPlanOptions {
  /** ANSI colours; the caller decides (NO_COLOR, TTY). */
  color: boolean;
}

type Shown = Exclude<StepAction, "noop"> | "merge";

/** Symbol, legend text and ANSI colour per action, in legend order. */
export const SYMBOLS: Record<Shown, { symbol: string; legend: string; ansi: string }> = {
  create: { symbol: "+", legend: "create (paid)", ansi: "32" },
  replace: { symbol: "-/+", legend: "replace: made again (paid)", ansi: "35" },
  restore: { symbol: "<", legend: "restore from the team store (free)", ansi: "36" },
  download: { symbol: "~", legend: "download again from an existing task (free)", ansi: "36" },
  resume: { symbol: ">", legend: "resume: wait for a running task (free)", ansi: "36" },
  reconcile: { symbol: "?", legend: "reconcile: look up a request whose answer was lost (free)", ansi: "33" },
  merge: { symbol: "*", legend: "merge: one game-ready GLB per character (local, free)", ansi: "34" },
  prune: { symbol: "-", legend: "prune: delete", ansi: "31" },
};
const ORDER = Object.keys(SYMBOLS) as Shown[];

const credits = (n: number) => `${n} credit${n === 1 ? "" : "s"}`;

export function renderPlan(plan: Plan, { color }: RenderPlanOptions): string {
  const paint = (ansi: string, s: string) => (color ? `\x1b[${ansi}m${s}\x1b[0m` : s);
  const sym = (a: Shown) => paint(SYMBOLS[a].ansi, SYMBOLS[a].symbol.padStart(3));
  const shown = plan.steps.filter((s): s is PlanStep & { action: Shown } => s.action !== "noop");
  const merges = plan.merges.map((m) => ({ ...m, credits: 0, label: m.key }));
  const out: string[] = [];

  if (shown.length === 0 && merges.length === 0) {
    out.push(paint("1;32", "No changes.") + " Outputs match characters.yaml and characters.lock.");
  } else {
    const used = new Set<Shown>([...shown.map((s) => s.action), ...merges.map((m) => m.action)]);
    out.push("Actions are shown with the following symbols:");
    for (const a of ORDER) if (used.has(a)) out.push(`${sym(a)} ${SYMBOLS[a].legend}`);
    out.push("", "rigup will perform the following actions:");
    const labels = new Map(shown.map((s) => [s, unitLabel(s)]));
    const width = Math.max(0, ...[...labels.values()].map((l) => l.length));
    for (const s of shown) {
      out.push("");
      const label = labels.get(s)!;
      const cost = s.credits > 0 ? `${" ".repeat(width - label.length)}   (${credits(s.credits)})` : "";
      out.push(`${sym(s.action)} ${paint("1", label)}${cost}`);
      for (const r of s.reasons) out.push(paint("2", `      # ${oneLine(r)}`));
      if (s.dependsOn) out.push(paint("2", `      # after ${s.dependsOn}`));
      for (const p of s.paths ?? []) out.push(paint("2", `      # deletes ${oneLine(p)}`));
    }
    for (const m of merges) {
      out.push("", `${sym(m.action)} ${paint("1", m.label)}`);
      for (const r of m.reasons) out.push(paint("2", `      # ${oneLine(r)}`));
      out.push(paint("2", `      # ${m.action === "prune" ? "deletes" : "writes"} ${oneLine(m.path)}`));
    }
  }

  if (plan.warnings.length > 0) {
    out.push("", paint("1;33", "Warnings:"));
    for (const w of plan.warnings) out.push(`  ${paint("33", "!")} ${oneLine(w.message)}`);
  }

  if (shown.length > 0 || merges.length > 0) {
    const s = plan.summary;
    const counts = [`${s.create} to create`, `${s.replace} to replace`, `${s.download} to download`];
    if (s.restore > 0) counts.push(`${s.restore} to restore`);
    if (s.merge > 0) counts.push(`${s.merge} to merge`);
    if (s.resume > 0) counts.push(`${s.resume} to resume`);
    if (s.reconcile > 0) counts.push(`${s.reconcile} to reconcile`);
    counts.push(`${s.prune} to prune`);
    out.push("");
    if (s.noop > 0) out.push(`${s.noop} up to date.`);
    out.push(`${paint("1", "Plan:")} ${counts.join(", ")}. Estimated cost: ${paint("1", credits(s.credits))}.`);
  }
  return out.join("\n") + "\n";
}
