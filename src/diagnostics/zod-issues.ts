/**
 * zod issues -> Diagnostics a user can act on: each at the YAML node it is about,
 * worded as "what is wrong here" (the renderer already names the field), with a
 * "did you mean" hint for misspelt keys. Shared by the manifest and the config.
 */
import { z } from "zod";
import type { Diagnostic } from "./errors.js";
import { formatPath, type DataPath, type Position } from "./positions.js";
import { suggest } from "./suggest.js";

type Issue = z.core.$ZodIssue;

export interface IssueContext {
  file: string;
  /** The schema that produced the issues: used to list the keys allowed where an unknown one is. */
  schema: z.ZodType;
  /** The data that was parsed, to say what was found instead. */
  data: unknown;
  /** Source positions; omitted for files read without them. */
  locate?: (path: DataPath, at?: "key" | "value") => Position;
}

export function issuesToDiagnostics(issues: readonly Issue[], ctx: IssueContext): Diagnostic[] {
  return issues.flatMap((issue) => flatten(issue, [])).flatMap((issue) => toDiagnostics(issue, ctx));
}

/** Re-roots nested issues (unions report paths relative to themselves). */
function flatten(issue: Issue, prefix: DataPath): Issue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // A union of `4` and `{action_id: 4}`: the branch that got past "wrong type at the root" is what the user meant.
    const meant = issue.errors.find((branch) => !branch.every((i) => i.code === "invalid_type" && i.path.length === 0));
    if (meant) return meant.flatMap((i) => flatten(i, path));
    const expected = issue.errors.flatMap((branch) => branch.map((i) => (i.code === "invalid_type" ? i.expected : "")));
    return [{ code: "invalid_type", expected: expected.join(" or "), path, message: issue.message, input: undefined } as Issue];
  }
  return [{ ...issue, path }];
}

function toDiagnostics(issue: Issue, ctx: IssueContext): Diagnostic[] {
  const path = issue.path as PropertyKey[];
  const at = (p: DataPath, where: "key" | "value" = "value"): Diagnostic => ({
    file: ctx.file,
    ...ctx.locate?.(p, where),
    field: formatPath(p),
    message: "",
  });
  const value = valueAt(ctx.data, path);
  const name = String(path[path.length - 1] ?? "");

  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const allowed = keysAt(ctx.schema, path);
        if (key === "fps" && allowed.has("operation_type")) {
          return { ...at([...path, key], "key"), message: `fps is only allowed with operation_type: change_fps` };
        }
        const close = suggest(key, allowed);
        return {
          ...at([...path, key], "key"),
          message: `unknown field "${key}"`,
          hint: close ? `did you mean ${close}?` : allowed.size ? `allowed fields: ${[...allowed].join(", ")}` : undefined,
        };
      });
    case "invalid_key": {
      const why = issue.issues.map((i) => i.message).join("; ");
      return [{ ...at(path, "key"), message: `name "${name}" ${why}` }];
    }
    case "invalid_type":
      if (value === undefined) return [{ ...at(path), message: `missing required field "${name}"` }];
      return [{ ...at(path), message: `expected ${article(issue.expected)}, got ${describe(value)}` }];
    case "invalid_value": {
      if (value === undefined) return [{ ...at(path), message: `missing required field "${name}"` }];
      const values = issue.values.map((v) => JSON.stringify(v));
      const want = values.length === 1 ? values[0] : `one of ${values.join(", ")}`;
      return [{ ...at(path), message: `must be ${want}, got ${describe(value)}` }];
    }
    case "invalid_union": {
      // Only the discriminated union (post_process) gets here with no branches.
      const options = "options" in issue ? (issue.options as unknown[]).map(String) : [];
      const got = value === undefined ? "it is missing" : `got ${describe(value)}`;
      return [{ ...at(path), message: `must be one of ${options.join(", ")}; ${got}` }];
    }
    case "too_small":
    case "too_big":
      return [{ ...at(path), message: `${bound(issue)}, got ${describe(value)}`, hint: ownReason(issue) }];
    default:
      return [{ ...at(path), message: issue.message }];
  }
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === "too_small";
  const n = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === "string" && small && n === 1) return "must not be empty";
  if (issue.origin === "array") return `must have ${small ? "at least" : "at most"} ${n} item${n === 1 ? "" : "s"}`;
  if (issue.inclusive === false) return `must be ${small ? "greater" : "less"} than ${n}`;
  return `must be ${small ? "at least" : "at most"} ${n}`;
}

/** A bound's own `error` text from the schema: why the bound is there. zod's generic text starts "Too small"/"Too big". */
function ownReason(issue: Issue): string | undefined {
  return /^Too (small|big)\b/.test(issue.message) ? undefined : issue.message;
}

function article(expected: string): string {
  // YAML words: users write lists and mappings, not arrays and objects.
  const words: Record<string, string> = { int: "integer", record: "mapping", object: "mapping", array: "list" };
  const word = expected
    .split(" or ")
    .map((w) => words[w] ?? w)
    .join(" or ");
  return word.includes(" or ") ? word : /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/** A short, safe rendering of what was found. Strings are not echoed past a few characters. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return value.length > 40 ? `a string` : `"${value}"`;
  return String(value);
}

function valueAt(data: unknown, path: DataPath): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** The keys an object at `path` may have, across union branches. */
export function keysAt(schema: z.ZodType, path: DataPath): Set<string> {
  let nodes: z.ZodType[] = [schema];
  for (const seg of path) nodes = nodes.flatMap((n) => children(unwrap(n), seg));
  const keys = new Set<string>();
  for (const n of nodes.flatMap((n) => objects(unwrap(n)))) for (const k of Object.keys(n.shape)) keys.add(k);
  return keys;
}

function unwrap(s: z.ZodType): z.ZodType {
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) {
    return unwrap(s.unwrap() as z.ZodType);
  }
  return s;
}

function objects(s: z.ZodType): z.ZodObject[] {
  if (s instanceof z.ZodObject) return [s];
  if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).flatMap((o) => objects(unwrap(o)));
  return [];
}

function children(s: z.ZodType, seg: PropertyKey): z.ZodType[] {
  if (s instanceof z.ZodRecord) return [s.valueType as z.ZodType];
  if (s instanceof z.ZodArray) return typeof seg === "number" ? [s.element as z.ZodType] : [];
  if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).flatMap((o) => children(unwrap(o), seg));
  if (s instanceof z.ZodObject) {
    const child = (s.shape as Record<string, z.ZodType>)[String(seg)];
    return child ? [child] : [];
  }
  return [];
}
