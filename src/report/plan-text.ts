/**
 * The plan as text, terraform style: a legend of only the symbols used,
 * one line per change with `#` lines saying why, warnings, and a closing count line,
 * or an explicit "No changes.". Rendered from the same `Plan` that `--json` prints.
 */
import type { Plan, PlanStep, StepAction } from "../plan/types.js";
import { oneLine, paint as paintIf, type Style } from "../text/ansi.js";
import { unitLabel } from "./unit-label.js";

export interface RenderPlanOptions {
  /** ANSI colours; the caller decides (NO_COLOR, TTY). */
  color: boolean;
}

type Shown = Exclude<StepAction, "noop"> | "merge";

/** Symbol, legend text and colour per action, in legend order: the one table of them (report/check.ts uses it too). */
export const SYMBOLS: Record<Shown, { symbol: string; legend: string; style: Style }> = {
  create: { symbol: "+", legend: "create (paid)", style: "green" },
  replace: { symbol: "-/+", legend: "replace: made again (paid)", style: "magenta" },
  restore: { symbol: "<", legend: "restore from the team store (free)", style: "cyan" },
  download: { symbol: "~", legend: "download again from an existing task (free)", style: "cyan" },
  resume: { symbol: ">", legend: "resume: wait for a running task (free)", style: "cyan" },
  reconcile: { symbol: "?", legend: "reconcile: look up a request whose answer was lost (free)", style: "yellow" },
  merge: { symbol: "*", legend: "merge: one game-ready GLB per character (local, free)", style: "blue" },
  prune: { symbol: "-", legend: "prune: delete", style: "red" },
};
const ORDER = Object.keys(SYMBOLS) as Shown[];

const credits = (n: number) => `${n} credit${n === 1 ? "" : "s"}`;

export function renderPlan(plan: Plan, { color }: RenderPlanOptions): string {
  const paint = (style: Style | Style[], s: string) => paintIf(color, style, s);
  const sym = (a: Shown) => paint(SYMBOLS[a].style, SYMBOLS[a].symbol.padStart(3));
  const shown = plan.steps.filter((s): s is PlanStep & { action: Shown } => s.action !== "noop");
  const merges = plan.merges.map((m) => ({ ...m, credits: 0, label: m.key }));
  const out: string[] = [];

  if (shown.length === 0 && merges.length === 0) {
    out.push(paint(["bold", "green"], "No changes.") + " Outputs match characters.yaml and characters.lock.");
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
      out.push(`${sym(s.action)} ${paint("bold", label)}${cost}`);
      for (const r of s.reasons) out.push(paint("dim", `      # ${oneLine(r)}`));
      if (s.dependsOn) out.push(paint("dim", `      # after ${s.dependsOn}`));
      for (const p of s.paths ?? []) out.push(paint("dim", `      # deletes ${oneLine(p)}`));
    }
    for (const m of merges) {
      out.push("", `${sym(m.action)} ${paint("bold", m.label)}`);
      for (const r of m.reasons) out.push(paint("dim", `      # ${oneLine(r)}`));
      out.push(paint("dim", `      # ${m.action === "prune" ? "deletes" : "writes"} ${oneLine(m.path)}`));
    }
  }

  if (plan.warnings.length > 0) {
    out.push("", paint(["bold", "yellow"], "Warnings:"));
    for (const w of plan.warnings) out.push(`  ${paint("yellow", "!")} ${oneLine(w.message)}`);
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
    out.push(`${paint("bold", "Plan:")} ${counts.join(", ")}. Estimated cost: ${paint("bold", credits(s.credits))}.`);
  }
  return out.join("\n") + "\n";
}
