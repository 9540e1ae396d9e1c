/**
 * Every ANSI escape rigup writes (outside the emulator): colours and the cursor
 * moves of the live progress block, so the codes live in one table. Whether to
 * colour is never decided here: callers pass `color`, decided once from NO_COLOR,
 * FORCE_COLOR, CI, TERM and the TTY by detectColor in cli/env.ts.
 */
const ESC = "\u001b[";
/** SGR code that turns a style on, and the one that turns only it off. */
const codes = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
} as const;
export type Style = keyof typeof codes;

/**
 * `text` in one style or several, followed by a full reset.
 * @example paint(true, ["bold", "green"], "No changes.") // "\x1b[1;32mNo changes.\x1b[0m"
 */
export function paint(color: boolean, style: Style | readonly Style[], text: string): string {
  if (!color) return text;
  const open = (typeof style === "string" ? [style] : style).map((s) => codes[s][0]).join(";");
  return `${ESC}${open}m${text}${ESC}0m`;
}

/** `text` in `style`, turning off only that style: fit to sit inside other styled text. */
export function paintNested(color: boolean, style: Style, text: string): string {
  return color ? `${ESC}${codes[style][0]}m${text}${ESC}${codes[style][1]}m` : text;
}

/** Moves the cursor up `lines` and erases from there down: a redrawn block's start. */
export function eraseLinesAbove(lines: number): string {
  return lines > 0 ? `${ESC}${lines}A${ESC}J` : "";
}

/**
 * Text from files or Meshy (reasons, error messages) as one plain line: escape
 * sequences removed, control characters and line breaks turned into spaces, so
 * it can neither drive the terminal nor break a redrawn block.
 */
/* eslint-disable no-control-regex */
export const oneLine = (s: string): string => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
/* eslint-enable no-control-regex */
