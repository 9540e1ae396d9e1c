/** Minimal ANSI styling; every caller passes `color`, decided once in cli/env.ts. */
const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export type Style = keyof typeof codes;

export function paint(color: boolean, style: Style, text: string): string {
  return color ? `\u001b[${codes[style]}m${text}\u001b[0m` : text;
}

/**
 * Text from files or Meshy (reasons, error messages) as one plain line: escape
 * sequences removed, control characters and line breaks turned into spaces, so
 * it can neither drive the terminal nor break a redrawn block.
 */
/* eslint-disable no-control-regex */
export const oneLine = (s: string): string => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
/* eslint-enable no-control-regex */
