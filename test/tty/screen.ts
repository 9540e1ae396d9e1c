/**
 * What a terminal of `rows` × `columns` ends up showing for a byte stream: a
 * small VT100 subset (text, CR, LF, cursor moves, erase), with scrollback, so
 * a test can tell text that stayed on screen from text a redraw wiped out.
 * Lines wrap at `columns`; the cursor cannot move above the visible screen.
 */
export function screen(stream: string, { rows = 40, columns = 100 } = {}): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  const top = () => Math.max(0, lines.length - rows);
  const line = () => (lines[row] ??= []);
  const newline = () => {
    row += 1;
    while (lines.length <= row) lines.push([]);
  };
  const tokens = stream.match(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[^[]|[\s\S]/gu) ?? [];
  for (const t of tokens) {
    if (t === "\n") newline();
    else if (t === "\r") col = 0;
    else if (t === "\b") col = Math.max(0, col - 1);
    else if (t.startsWith("\x1b[")) {
      const final = t.at(-1)!;
      const n = Number.parseInt(t.slice(2), 10);
      const count = Number.isNaN(n) ? 1 : n;
      if (final === "A") row = Math.max(top(), row - count);
      else if (final === "B") for (let i = 0; i < count; i++) newline();
      else if (final === "C") col = Math.min(columns - 1, col + count);
      else if (final === "D") col = Math.max(0, col - count);
      else if (final === "G") col = Math.max(0, count - 1);
      else if (final === "K") {
        const mode = Number.isNaN(n) ? 0 : n;
        if (mode === 0) line().length = Math.min(line().length, col);
        else if (mode === 2) lines[row] = [];
        else line().fill(" ", 0, col);
      } else if (final === "J") {
        const mode = Number.isNaN(n) ? 0 : n;
        if (mode === 0) {
          line().length = Math.min(line().length, col);
          lines.length = row + 1;
        }
      }
      // SGR colours, cursor visibility and the rest do not change the text.
    } else if (t.startsWith("\x1b")) continue;
    else if (t >= " ") {
      if (col >= columns) {
        newline();
        col = 0;
      }
      const l = line();
      while (l.length < col) l.push(" ");
      l[col] = t;
      col += 1;
    }
  }
  return lines.map((l) => l.join("").trimEnd());
}

/** Removes ANSI sequences and carriage returns: the text a person reads, in the order it was drawn. */
export function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/\r/g, "");
}
