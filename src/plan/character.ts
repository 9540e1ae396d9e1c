/**
 * One character's steps: its rig, then its clips in manifest order, with the rules
 * that tie them together (a new rig re-makes every clip; an expired rig is re-rigged
 * when a clip needs a paid task).
 */
import type { AnimationInputs, CharacterLock, RigEntry, Target, UnitEntry } from "../lockfile/schema.js";
import type { OutputFormat } from "../manifest/schema.js";
import type { ResolvedAction, ResolvedCharacter } from "../manifest/resolve.js";
import { CREDITS } from "../meshy/schemas.js";
import type { UnitRef } from "../store/record.js";
import { adoptFromStore } from "./adopt.js";
import { assessAnimation, type AnimationUnit, type RigContext } from "./animation.js";
import { rigInputs } from "./digest.js";
import { digestOf } from "../text/canonical-json.js";
import { availableUntil, isExpired, rigExpiryWarning } from "./expiry.js";
import { animationOutputs, mergedOutput, rigOutputs, type OutputFile } from "../manifest/layout.js";
import type { Wanted } from "./prune-rules.js";
import { assessRig, rerig, type RigUnit, type Trigger } from "./rig.js";
import type { StoreView } from "./store-view.js";
import type { Facts, PlanStep, PlanWarning } from "./types.js";
import { allRoles, isPaid, type UnitDecision } from "./unit.js";
import { allClips } from "./words.js";

export interface CharacterEnv {
  formats: readonly OutputFormat[];
  facts: Facts;
  now: number;
  warnMs: number;
  /** Collects what the manifest wants, for pruning. */
  wanted: Wanted;
  target?: Target;
  /** Unit keys to re-make on purpose (`--replace`), characters already expanded to their rig key. */
  replace: ReadonlySet<string>;
  /** The team store, when there is one. */
  store?: StoreView;
  /** Memoised: thousands of characters share a few dozen action inputs, and plans keep them. */
  animationInputs: (action: ResolvedAction) => { inputs: AnimationInputs; digest: string };
}

export interface CharacterPlan {
  steps: PlanStep[];
  warning?: PlanWarning;
}

function rigContext(d: UnitDecision, entry: RigEntry | undefined, now: number): RigContext {
  const remade = d.action !== "noop" && d.action !== "download" && d.action !== "restore";
  if (remade) return { remade, expired: false };
  const taskId = d.taskId ?? entry?.task_id;
  const expiresAt = d.expiresAt ?? (entry && availableUntil(entry));
  return { remade, taskId, expiresAt, expired: isExpired(expiresAt, now) };
}

/** A character's rig step, then its clips' steps in manifest order, and an expiry warning if due. */
export function planCharacter(character: ResolvedCharacter, lock: CharacterLock | undefined, env: CharacterEnv): CharacterPlan {
  const { name } = character;
  const { facts, now } = env;
  const rigInput = rigInputs(character, facts);
  const rig: RigUnit = {
    entry: lock?.rig,
    inputs: rigInput,
    digest: digestOf(rigInput),
    wanted: rigOutputs(name, env.formats),
    target: env.target,
  };
  want(rig.wanted, env);
  if (character.merge) want([{ role: "merged", path: mergedOutput(name), format: "glb" }], env);
  const clips: AnimationUnit[] = character.actions.map((action) => {
    const { inputs, digest } = env.animationInputs(action);
    const wanted = animationOutputs(name, action, env.formats);
    want(wanted, env);
    return { action, entry: lock?.animations[action.name], inputs, digest, wanted, target: env.target };
  });

  const rigKey = `${name}/rig`;
  const clipKey = (c: AnimationUnit) => `${name}/animations/${c.action.name}`;
  const { store, target } = env;
  const rigRef: UnitRef | undefined = target && { kind: "rig", digest: rig.digest, target };
  const clipRef = (c: AnimationUnit, rigCtx: RigContext): UnitRef | undefined =>
    target && !rigCtx.remade && rigCtx.taskId !== undefined
      ? { kind: "animation", digest: c.digest, rigTaskId: rigCtx.taskId, target }
      : undefined;
  const assessClip = (c: AnimationUnit, rigCtx: RigContext) =>
    env.replace.has(clipKey(c)) && !rigCtx.remade
      ? replaced(c.entry, c.wanted, clipKey(c))
      : adoptFromStore(assessAnimation(name, c, rigCtx, facts, now, store), store, clipRef(c, rigCtx), allRoles(c.wanted), { now });
  let rigDecision = env.replace.has(rigKey)
    ? replaced(rig.entry, rig.wanted, rigKey)
    : adoptFromStore(assessRig(rig, facts, now, store), store, rigRef, allRoles(rig.wanted), { now });
  let ctx = rigContext(rigDecision, rig.entry, now);
  let clipDecisions = clips.map((c) => assessClip(c, ctx));
  if (ctx.expired && ctx.expiresAt !== undefined) {
    const triggers: Trigger[] = [];
    clipDecisions.forEach((d, i) => {
      const c = clips[i]!;
      if (isPaid(d)) triggers.push({ name: c.action.name, isNew: c.entry === undefined || c.entry.state === "retired" });
    });
    if (triggers.length > 0) {
      // New clips need a live rig: one the team recorded still serves.
      rigDecision = adoptFromStore(rerig(rig, ctx.expiresAt, triggers, clips.length, now), store, rigRef, allRoles(rig.wanted), {
        now,
        alive: true,
      });
      ctx = rigContext(rigDecision, rig.entry, now);
      clipDecisions = clips.map((c) => assessClip(c, ctx));
    }
  } else if (isPaid(rigDecision) && clips.some((c) => c.entry !== undefined && c.entry.state !== "retired")) {
    // Rules 2 and 3: say what the new rig costs in clips, since the user only changed the rig.
    rigDecision.reasons.push(
      `${allClips(clips.length)} will be re-made (${clips.length * CREDITS.animation} credits) so they share one skeleton`,
    );
  }

  const steps: PlanStep[] = [step(rigKey, name, "rig", rigDecision, rig.inputs, rig.digest)];
  // A rig taken from the store becomes current only as the run records it: its clips wait for that.
  const waitForRig = ctx.remade || rigDecision.adopt !== undefined;
  clipDecisions.forEach((d, i) => {
    const c = clips[i]!;
    const s = step(`${name}/animations/${c.action.name}`, name, "animation", d, c.inputs, c.digest);
    s.name = c.action.name;
    s.actionId = c.action.actionId;
    if (waitForRig && (isPaid(d) || d.adopt !== undefined)) s.dependsOn = rigKey;
    steps.push(s);
  });
  const warning = ctx.remade ? undefined : rigExpiryWarning(name, ctx.expiresAt, now, env.warnMs);
  return warning ? { steps, warning } : { steps };
}

/** `--replace`: re-made on request, paid, never re-used from an earlier task. */
function replaced(entry: UnitEntry | undefined, wanted: readonly OutputFile[], key: string): UnitDecision {
  return { action: entry ? "replace" : "create", reasons: [`--replace ${key}: re-made on request`], missing: allRoles(wanted) };
}

function want(files: readonly OutputFile[], env: CharacterEnv): void {
  for (const f of files) {
    env.wanted.paths.push(f.path);
    if (env.facts.outputs[f.path] !== undefined) env.wanted.present++;
  }
}

function step(
  key: string,
  character: string,
  kind: PlanStep["kind"],
  d: UnitDecision,
  inputs: PlanStep["inputs"],
  digest: string,
): PlanStep {
  const s: PlanStep = {
    key,
    character,
    kind,
    action: d.action,
    reasons: d.reasons,
    credits: isPaid(d) ? CREDITS[kind] : 0,
    inputs,
    digest,
    missing: d.missing,
  };
  if (d.taskId !== undefined) s.taskId = d.taskId;
  if (d.expiresAt !== undefined) s.expiresAt = d.expiresAt;
  if (d.adopt !== undefined) s.adopt = d.adopt;
  return s;
}
