/**
 * The planner: manifest + lockfile + what is on disk + `now` -> steps with reasons.
 * Pure, like changesets' assembleReleasePlan: no I/O, no clock, no randomness, so
 * the same input always gives the same plan. Each rule lives in its own file:
 * unit.ts (one unit's state), rig.ts and animation.ts (rig/clip specifics, re-rig),
 * character.ts (how a rig and its clips tie together), reuse.ts, expiry.ts,
 * files.ts, prune-rules.ts, merge-rules.ts, summary.ts.
 *
 * Order: characters in manifest order, each rig before its clips (manifest order),
 * prune steps last, sorted by key.
 */
import type { AnimationInputs } from "../lockfile/schema.js";
import type { ResolvedAction } from "../manifest/resolve.js";
import { UserError } from "../diagnostics/errors.js";
import { planCharacter } from "./character.js";
import { DEFAULT_EXPIRY_WARNING_MS } from "./words.js";
import { animationInputs } from "./digest.js";
import { digestOf } from "../text/canonical-json.js";
import { planPrune } from "./prune-rules.js";
import { StoreView } from "./store-view.js";
import { summarize } from "./summary.js";
import { planMerge, pruneMerged } from "./merge-rules.js";
import type { MergeStep, Plan, PlanInput, PlanStep, PlanWarning } from "./types.js";

/**
 * Plans a build.
 * @example
 *   const p = plan({ manifest, lock, facts, now: Date.now() }); // the CLI reads the clock, not the planner
 *   if (hasChanges(p)) process.stdout.write(renderPlan(p, { color }));
 */
export function plan(input: PlanInput): Plan {
  const { manifest, lock, facts, now } = input;
  // Steps of clips with equal inputs share one (read-only) inputs object: fewer
  // objects to keep at 200,000 units.
  const memo = new Map<string, { inputs: AnimationInputs; digest: string }>();
  const sharedAnimationInputs = (action: ResolvedAction) => {
    const pp = action.postProcess;
    const key = `${action.actionId}/${pp?.operation_type ?? ""}/${pp?.operation_type === "change_fps" ? pp.fps : ""}`;
    let m = memo.get(key);
    if (m === undefined) {
      const inputs = animationInputs(action);
      memo.set(key, (m = { inputs, digest: digestOf(inputs) }));
    }
    return m;
  };
  const env = {
    replace: replaceKeys(input),
    target: input.target,
    formats: manifest.formats,
    facts,
    now,
    warnMs: input.expiryWarningMs ?? DEFAULT_EXPIRY_WARNING_MS,
    wanted: { paths: [], present: 0 },
    animationInputs: sharedAnimationInputs,
    store: facts.store && new StoreView(facts.store),
  };

  const steps: PlanStep[] = [];
  const merges: MergeStep[] = [];
  const warnings: PlanWarning[] = [];
  for (const character of manifest.characters) {
    const c = planCharacter(character, lock.characters[character.name], env);
    for (const s of c.steps) steps.push(s);
    if (c.warning) warnings.push(c.warning);
    const m = planMerge(
      character,
      lock.characters[character.name],
      facts,
      c.steps.every((s) => s.action === "noop"),
    );
    if (m) merges.push(m);
  }
  for (const s of planPrune(manifest, lock, facts, env.wanted)) steps.push(s);
  merges.push(...pruneMerged(manifest, lock));
  const storeQuestions = env.store?.questions();
  return { now, steps, merges, summary: summarize(steps, merges), warnings, ...(storeQuestions && { storeQuestions }) };
}

/** `--replace` targets as unit keys; one the manifest does not have is an input error (nothing is spent). */
function replaceKeys({ manifest, replace = [] }: PlanInput): Set<string> {
  const keys = new Set<string>();
  for (const target of replace) {
    const [character, ...rest] = target.split("/");
    const c = manifest.characters.find((x) => x.name === character);
    const key = rest.length === 0 ? `${character}/rig` : target;
    const known = c !== undefined && (key === `${c.name}/rig` || c.actions.some((a) => key === `${c.name}/animations/${a.name}`));
    if (!known) {
      const units = manifest.characters.flatMap((x) => [x.name, ...x.actions.map((a) => `${x.name}/animations/${a.name}`)]);
      throw new UserError("REPLACE_UNKNOWN", `--replace ${target}: no such character or unit in the manifest`, {
        hint: `name a character (its rig and all its clips) or a unit: ${units.slice(0, 6).join(", ")}${units.length > 6 ? ", ..." : ""}`,
      });
    }
    keys.add(key);
  }
  return keys;
}
