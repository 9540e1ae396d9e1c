/**
 * Renders a UserError the way terraform renders diagnostics: a summary, then
 * per problem where it is, the source line with a caret under the spot, what is
 * wrong and what to do. No stack: the user can fix this.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Diagnostic, UserError } from "../errors.js";

export interface FormatUserErrorOptions {
  color: boolean;
  /** File paths are shown relative to this directory when they are inside it. */
  cwd?: string;
  /** Source text for snippets; default reads the file, and no snippet when it cannot. */
  readSource?: (file: string) => string | undefined;
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
  const out = [`${paint.red(paint.bold("Error:"))} ${paint.bold(err.message)}`];
  for (const d of err.diagnostics) out.push("", ...formatDiagnostic(d, linesOf(d.file), opts.cwd, paint));
  if (err.hint) out.push("", `${paint.cyan("Hint:")} ${err.hint}`);
  return out.join("\n");
}

function formatDiagnostic(d: Diagnostic, lines: string[] | undefined, cwd: string | undefined, paint: Painter): string[] {
  const where = [displayPath(d.file, cwd)];
  if (d.line !== undefined) where.push(` line ${d.line}`);
  if (d.column !== undefined) where.push(`, column ${d.column}`);
  if (d.field) where.push(`, in ${paint.bold(d.field)}`);
  const out = [`  on ${where.join("")}:`];
  const source = d.line !== undefined ? lines?.[d.line - 1] : undefined;
  if (source !== undefined && d.line !== undefined) {
    const gutter = String(d.line).padStart(6);
    // Tabs would shift the caret; YAML indents with spaces anyway.
    out.push(`${paint.dim(`${gutter} |`)} ${source.replace(/\t/g, " ")}`);
    if (d.column !== undefined) out.push(`${paint.dim(`${" ".repeat(gutter.length)} |`)} ${" ".repeat(d.column - 1)}${paint.red("^")}`);
  }
  out.push(`  ${d.message}`);
  if (d.hint) out.push(`  ${paint.cyan("Hint:")} ${d.hint}`);
  return out;
}

function displayPath(file: string, cwd: string | undefined): string {
  if (!cwd || !path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

type Painter = Record<"red" | "bold" | "dim" | "cyan", (s: string) => string>;

function painter(color: boolean): Painter {
  const sgr = (open: number, close: number) => (s: string) => (color ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { red: sgr(31, 39), bold: sgr(1, 22), dim: sgr(2, 22), cyan: sgr(36, 39) };
}
