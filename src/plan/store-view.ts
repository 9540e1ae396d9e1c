/**
 * The planner's view of the team store (store/record.ts): what it was told the store
 * holds, and what it would have liked to know. The planner does no I/O, so the app
 * asks the store for `wanted` and plans again (store/facts.ts), a bounded few rounds.
 */
import { registryKey, type StoreFacts, type StoreQuestions, type UnitRecord, type UnitRef } from "../store/record.js";

export class StoreView {
  private readonly askObjects = new Set<string>();
  private readonly askUnits = new Map<string, UnitRef>();

  constructor(private readonly facts: StoreFacts) {}

  /** True when the store holds every one of `shas`; undefined while one is not known yet. */
  holdsAll(shas: readonly string[]): boolean | undefined {
    let known = true;
    for (const sha of shas) {
      const has = this.facts.objects.get(sha);
      if (has === false) return false;
      if (has === undefined) {
        this.askObjects.add(sha);
        known = false;
      }
    }
    return known ? true : undefined;
  }

  /** The record of the unit `ref` names, null when there is none, undefined while not known. */
  record(ref: UnitRef): UnitRecord | null | undefined {
    const key = registryKey(ref);
    const found = this.facts.units.get(key);
    if (found === undefined) this.askUnits.set(key, ref);
    return found;
  }

  questions(): StoreQuestions | undefined {
    if (this.askObjects.size === 0 && this.askUnits.size === 0) return undefined;
    return { objects: [...this.askObjects], units: [...this.askUnits.values()] };
  }
}
