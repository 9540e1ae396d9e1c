/**
 * rigup's error kinds. Only src/cli/main.ts catches and turns them into exit codes:
 * - UserError: the user can fix it; printed as `Error: summary`, location, hint. No stack.
 * - anything else is a bug: stack plus "please report".
 * A command whose output is already printed returns its exit code instead of throwing.
 */

/** Exit codes, documented in the README. Stable: scripts depend on them. */
export const EXIT = {
  OK: 0,
  /** A task failed, a file did not verify, or anything else went wrong. */
  FAILURE: 1,
  /** `--detailed-exitcode` / `check`: changes are pending. */
  CHANGES: 2,
  /** Bad manifest, config, lockfile or flags: nothing was spent. */
  INVALID_INPUT: 3,
  /** Another rigup run holds the lockfile. */
  LOCKED: 4,
  /** Refused by policy before spending: --max-credits, --frozen, spend not confirmed. */
  REFUSED: 5,
  /** Meshy refused the account: bad API key (401) or no credits (402). */
  ACCOUNT: 6,
  /** Interrupted (Ctrl-C). */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Where in a user file a problem is. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
  /** Dotted field path, e.g. `characters.knight.height_meters`. */
  field?: string;
}

/** One problem found in user input. */
export interface Diagnostic extends SourceLocation {
  message: string;
  hint?: string;
}

export class UserError extends Error {
  override readonly name = "UserError";
  readonly code: string;
  readonly diagnostics: Diagnostic[];
  readonly hint?: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, opts: { diagnostics?: Diagnostic[]; hint?: string; exitCode?: ExitCode } = {}) {
    super(message);
    this.code = code;
    this.diagnostics = opts.diagnostics ?? [];
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? EXIT.INVALID_INPUT;
  }
}
