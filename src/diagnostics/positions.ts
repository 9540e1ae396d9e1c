/**
 * YAML with positions: parses a document keeping a line counter, so any path
 * into the data (a zod issue path, a cross-field check) maps back to a line and
 * column the user can jump to. Shared by the manifest and YAML/JSON config files.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from "yaml";
import type { Diagnostic } from "./errors.js";

export type DataPath = readonly PropertyKey[];

/** 1-based, as editors count. */
export interface Position {
  line: number;
  column: number;
}

export interface PositionedYaml {
  /** The data, as `yaml` builds it (the last of duplicate keys wins). */
  data: unknown;
  /** Syntax errors and duplicate keys, with locations. Empty when the text is well-formed. */
  diagnostics: Diagnostic[];
  /** True when a syntax error makes `data` unreliable (duplicate keys do not). */
  broken: boolean;
  /** Where `path` is in the text: the key (`at: "key"`) or the value; the nearest existing ancestor if absent. */
  locate(path: DataPath, at?: "key" | "value"): Position;
  /** The source line (without its newline), for snippets. */
  lineText(line: number): string;
}

/**
 * Formats a data path the way a user would write it: `characters.knight.actions[1].name`.
 * Keys that are not identifiers are quoted: `characters["../x"]`.
 */
export function formatPath(path: DataPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      const s = String(seg);
      out += /^[A-Za-z_$][\w$-]*$/.test(s) ? (out ? `.${s}` : s) : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

export function parseYamlWithPositions(text: string, file: string): PositionedYaml {
  const lineCounter = new LineCounter();
  // uniqueKeys off: duplicates are found below, where their path is known, for a clearer message.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const pos = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const diagnostics: Diagnostic[] = doc.errors.map((e) => ({
    file,
    ...pos(e.pos[0]),
    message: `YAML syntax error: ${e.message}`,
  }));
  let broken = diagnostics.length > 0;
  if (doc.contents)
    findDuplicateKeys(doc.contents as Node, [], (path, first, again) => {
      const key = path[path.length - 1];
      const parent = path.slice(0, -1);
      const what = formatPath(parent) === "characters" ? `character "${String(key)}"` : `key "${String(key)}"`;
      diagnostics.push({
        file,
        ...pos(again),
        field: formatPath(path),
        message: `${what} is defined twice (first on line ${pos(first).line})`,
        hint: formatPath(parent) === "characters" ? "character names must be unique: rename or remove one" : "remove one of them",
      });
    });
  let data: unknown;
  if (!broken) {
    try {
      data = doc.toJS();
    } catch (err) {
      // yaml refuses, as a ReferenceError, an alias with no anchor before it, and nested aliases
      // expanding past its maxAliasCount (100): the "billion laughs" attack, exponential in size.
      if (!(err instanceof ReferenceError)) throw err;
      diagnostics.push(aliasDiagnostic(doc, file, pos));
      broken = true;
    }
  }
  const lines = text.split(/\r?\n/);
  return {
    data,
    diagnostics,
    broken,
    locate: (path, at = "value") => pos(locateOffset(doc, path, at)),
    lineText: (line) => lines[line - 1] ?? "",
  };
}

/** Where toJS gave up: the first alias with no anchor before it, else the first alias of a node holding aliases. */
function aliasDiagnostic(doc: Document, file: string, pos: (offset: number) => Position): Diagnostic {
  const anchors = new Map<string, Node>();
  let unresolved: { source: string; offset: number } | undefined;
  let nested: number | undefined;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (!target) {
          unresolved = { source: node.source, offset: nodeStart(node) ?? 0 };
          return visit.BREAK;
        }
        if (nested === undefined && holdsAlias(target)) nested = nodeStart(node);
      } else if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
  });
  if (unresolved) {
    return { file, ...pos(unresolved.offset), message: `YAML alias *${unresolved.source} has no anchor &${unresolved.source} before it` };
  }
  return {
    file,
    ...(nested === undefined ? {} : pos(nested)),
    message: 'YAML aliases nest too deep: they would expand to an enormous document (the "billion laughs" attack), so rigup refuses it',
    hint: "write the values out, or alias only nodes that contain no aliases",
  };
}

function holdsAlias(node: Node): boolean {
  let found = false;
  visit(node, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

function nodeStart(node: unknown): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? range[0] : undefined;
}

function locateOffset(doc: Document, path: DataPath, at: "key" | "value"): number {
  let node: unknown = doc.contents;
  let best = nodeStart(node) ?? 0;
  for (const [i, seg] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      // Last match: `toJS` lets the last of duplicate keys win, so issues are about that one.
      const pair = (node.items as Pair[]).findLast((p) => keyOf(p) === String(seg));
      if (!pair) return best;
      const keyStart = nodeStart(pair.key);
      if (last && at === "key" && keyStart !== undefined) return keyStart;
      // An empty value (`model:`) has no node of its own: point at the key.
      best = nodeStart(pair.value) ?? keyStart ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) return best;
      best = nodeStart(item) ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function findDuplicateKeys(node: Node, path: PropertyKey[], report: (path: DataPath, first: number, again: number) => void): void {
  if (isMap(node)) {
    const seen = new Map<string, number>();
    for (const pair of node.items as Pair[]) {
      const key = keyOf(pair);
      const start = nodeStart(pair.key) ?? 0;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, start);
      else report([...path, key], first, start);
      if (pair.value) findDuplicateKeys(pair.value as Node, [...path, key], report);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => findDuplicateKeys(item as Node, [...path, i], report));
  }
}
