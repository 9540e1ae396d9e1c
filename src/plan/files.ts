/**
 * Which wanted outputs of a unit are missing or wrong on disk.
 * A file is OK iff it exists with the recorded size and sha256 (scan/ hashes a file
 * only when its size matches, so a size mismatch shows as no sha256).
 */
import type { UnitEntry } from "../lockfile/schema.js";
import type { OutputFile } from "../manifest/layout.js";
import type { Facts } from "./types.js";

export interface FileCheck {
  /** Roles to (re)download. */
  missing: string[];
  /** One phrase per bad file, naming its out-relative path. */
  problems: string[];
}

/** Checks `wanted` against the entry's file records and the scanned outputs. */
export function checkFiles(wanted: readonly OutputFile[], entry: UnitEntry, facts: Facts): FileCheck {
  // Called for every unit of every plan: allocate only when something is wrong.
  let bad: FileCheck | undefined;
  for (const file of wanted) {
    const record = entry.files[file.role];
    let problem: string | undefined;
    if (record === undefined) {
      // The service did not offer this role: nothing to fetch.
      if (entry.unavailable?.includes(file.role)) continue;
      problem = "missing";
    } else {
      const found = record.path === file.path ? facts.outputs[file.path] : undefined;
      if (found === undefined) problem = "missing";
      else if (found.size !== record.size || found.sha256 !== record.sha256) problem = "hash mismatch";
    }
    if (problem === undefined) continue;
    bad ??= { missing: [], problems: [] };
    bad.missing.push(file.role);
    bad.problems.push(`${file.path} ${problem}`);
  }
  return bad ?? { missing: [], problems: [] };
}

const MAX_LISTED = 5;

/** Reasons naming the bad files, capped so a deleted folder does not flood the plan. */
export function fileReasons(problems: readonly string[]): string[] {
  if (problems.length <= MAX_LISTED) return [...problems];
  return [...problems.slice(0, MAX_LISTED), `and ${problems.length - MAX_LISTED} more files`];
}
