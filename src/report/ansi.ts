/** Minimal ANSI styling; every caller passes `color`, decided once in cli/env.ts. */
const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export type Style = keyof typeof codes;

export function paint(color: boolean, style: Style, text: string): string {
  return color ? `\u001b[${codes[style]}m${text}\u001b[0m` : text;
}
