/** How one unit's failures are told apart; shared by the parts of the executor. */
import type { UnitOutcome } from "./events.js";

/** A unit that cannot go on; `outcome` says how it is reported. */
export class UnitStop extends Error {
  constructor(
    readonly outcome: UnitOutcome,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
