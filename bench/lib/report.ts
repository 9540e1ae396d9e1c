/** One figure per line, `name: value [unit] (target ...)`, so runs diff and grep cleanly. */
export function figure(name: string, value: number | string, opts: { unit?: string; target?: string; digits?: number } = {}): void {
  const v = typeof value === "number" ? value.toFixed(opts.digits ?? 2) : value;
  const unit = opts.unit ? ` ${opts.unit}` : "";
  const target = opts.target ? ` (target ${opts.target})` : "";
  console.log(`${name}: ${v}${unit}${target}`);
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
