/**
 * Renders a UserError the way terraform renders diagnostics: a summary, then
 * per problem where it is, the source line with a caret under the spot, what is
 * wrong and what to do. No stack: the user can fix this. Every piece of input it
 * echoes (source lines, names, paths) has its control characters escaped, so a
 * name holding ESC cannot drive the user's terminal.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Diagnostic, UserError } from "../diagnostics/errors.js";
import { isInside } from "../fs/inside-out.js";
import { paintNested } from "../text/ansi.js";

export interface FormatUserErrorOptions {
  color: boolean;
  /** File paths are shown relative to this directory when they are inside it. */
  cwd?: string;
  /** Source text for snippets; default reads the file, and no snippet when it cannot. */
  readSource?: (file: string) => string | undefined;
}

/** Control characters (C0, DEL, C1) as visible `\xNN` escapes: ESC shows as `\x1b`. */
export function escapeControls(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * @example
 * formatUserError(err, { color: false, cwd: process.cwd() })
 * // Error: characters.yaml has 1 problem
 * //
 * //   on characters.yaml line 5, column 5, in characters.knight.heigth_meters:
 * //      5 |     heigth_meters: 2
 * //        |     ^
 * //   unknown field "heigth_meters"
 * //   Hint: did you mean height_meters?
 */
export function formatUserError(err: UserError, opts: FormatUserErrorOptions): string {
  const paint = painter(opts.color);
  const sources = new Map<string, string[] | undefined>();
  const linesOf = (file: string) => {
    if (!sources.has(file)) sources.set(file, (opts.readSource ?? readQuietly)(file)?.split(/\r?\n/));
    return sources.get(file);
  };
  const out = [`${paint.red(paint.bold("Error:"))} ${paint.bold(escapeControls(err.message))}`];
  for (const d of err.diagnostics) out.push("", ...formatDiagnostic(d, linesOf(d.file), opts.cwd, paint));
  if (err.hint) out.push("", `${paint.cyan("Hint:")} ${escapeControls(err.hint)}`);
  return out.join("\n");
}

/**
 * The error as one JSON object, for `--json` callers who read stdout only. JSON.stringify
 * escapes control characters itself.
 */
export function userErrorJson(err: UserError): { type: "error"; code: string; message: string; hint?: string; diagnostics: Diagnostic[] } {
  return { type: "error", code: err.code, message: err.message, hint: err.hint, diagnostics: err.diagnostics };
}

function formatDiagnostic(d: Diagnostic, lines: string[] | undefined, cwd: string | undefined, paint: Painter): string[] {
  const where = [escapeControls(displayPath(d.file, cwd))];
  if (d.line !== undefined) where.push(` line ${d.line}`);
  if (d.column !== undefined) where.push(`, column ${d.column}`);
  if (d.field) where.push(`, in ${paint.bold(escapeControls(d.field))}`);
  const out = [`  on ${where.join("")}:`];
  const source = d.line !== undefined ? lines?.[d.line - 1] : undefined;
  if (source !== undefined && d.line !== undefined) {
    const gutter = String(d.line).padStart(6);
    // Tabs would shift the caret; YAML indents with spaces anyway.
    const text = source.replace(/\t/g, " ");
    out.push(`${paint.dim(`${gutter} |`)} ${escapeControls(text)}`);
    if (d.column !== undefined) {
      // The caret goes under the escaped text: each escape before the column widens the line.
      const indent = escapeControls(text.slice(0, d.column - 1)).length;
      out.push(`${paint.dim(`${" ".repeat(gutter.length)} |`)} ${" ".repeat(indent)}${paint.red("^")}`);
    }
  }
  out.push(`  ${escapeControls(d.message)}`);
  if (d.hint) out.push(`  ${paint.cyan("Hint:")} ${escapeControls(d.hint)}`);
  return out;
}

function displayPath(file: string, cwd: string | undefined): string {
  if (!cwd || !path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return isInside(cwd, file) ? rel : file;
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

type Painter = Record<"red" | "bold" | "dim" | "cyan", (s: string) => string>;

/** Nestable styles (`red(bold("Error:"))`): each turns off only itself. */
function painter(color: boolean): Painter {
  const style = (name: keyof Painter) => (s: string) => paintNested(color, name, s);
  return { red: style("red"), bold: style("bold"), dim: style("dim"), cyan: style("cyan") };
}
