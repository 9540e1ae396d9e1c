/**
 * This machine's record of every task rigup made or adopted on one Meshy account,
 * whichever project, shard or lockfile it went to. Reconciling a lost create must not
 * take a task another rigup run (a parallel `--shard`, a teammate's checkout on the same
 * machine) already holds: the lockfiles of those runs are not ours to read, this is.
 *
 * Append-only JSON lines under the user cache folder, one file per account (a hash
 * of API origin and key: the key itself is never written). Small appends with
 * O_APPEND land whole even from concurrent processes; a torn line is skipped.
 */
import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { TaskKind } from "../meshy/schemas.js";

export interface LedgerEntry {
  task_id: string;
  kind: TaskKind;
  /** The lockfile (absolute path) the task was made for. */
  lockfile: string;
  /** `<character>/rig` or `<character>/animations/<name>`. */
  unit: string;
  digest: string;
}

export interface Ledger {
  /** Written before the lockfile is told: a second record of a paid id, should the lockfile not take it. */
  record(entry: LedgerEntry): Promise<void>;
  /** Everything recorded so far, by any process (torn lines skipped). */
  entries(): Promise<LedgerEntry[]>;
}

/** The ledger file of an account under `cacheDir`. */
export function ledgerFile(cacheDir: string, apiBase: string, apiKey: string): string {
  const account = createHash("sha256")
    .update(`${new URL(apiBase).origin}\0${apiKey}`)
    .digest("hex")
    .slice(0, 24);
  return path.join(cacheDir, "ledger", `${account}.jsonl`);
}

export function fileLedger(file: string): Ledger {
  return {
    async record(entry) {
      // Best effort: the lockfile is the record that counts; this only narrows reconcile's candidates.
      try {
        await mkdir(path.dirname(file), { recursive: true });
        await appendFile(file, `${JSON.stringify(entry)}\n`);
      } catch {
        // A read-only cache folder leaves reconcile with the lockfile's ids alone.
      }
    },
    async entries() {
      let text = "";
      try {
        text = await readFile(file, "utf8");
      } catch {
        // Missing or unreadable: fewer ids to exclude, so reconcile refuses to guess more often; never less safe.
      }
      const entries: LedgerEntry[] = [];
      for (const line of text.split("\n")) {
        try {
          const e = JSON.parse(line) as Partial<LedgerEntry>;
          if (typeof e.task_id === "string" && typeof e.unit === "string") entries.push(e as LedgerEntry);
        } catch {
          // A torn or empty line.
        }
      }
      return entries;
    },
  };
}
