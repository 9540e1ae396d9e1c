/**
 * `rigup status`: per character, its rig task, how long the rig stays usable for
 * new clips, and which units a build would touch. Pure: built from the plan, the
 * lockfile and `now`.
 */
import type { Lockfile, UnitEntry } from "../lockfile/schema.js";
import { countUnstored } from "../lockfile/units.js";
import type { ResolvedManifest } from "../manifest/resolve.js";
import type { Plan, StepAction } from "../plan/types.js";
import { availableUntil, isExpired } from "../plan/expiry.js";
import { openProject, planProject, type ProjectOptions } from "./project.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface StatusChange {
  key: string;
  action: Exclude<StepAction, "noop"> | "merge";
  reasons: string[];
}

export interface CharacterStatus {
  name: string;
  /** Absent until the character has been rigged. */
  rigTaskId?: string;
  /** Unix ms; absent when not known yet. */
  rigExpiresAt?: number;
  rigExpired: boolean;
  /** "expires in 12 days", "expired 3 days ago: adding actions needs a re-rig", "not rigged yet". */
  expiry: string;
  clips: { upToDate: number; outOfDate: number };
  /** The Meshy API version the rig task was made through (1 for entries from before v2); absent until rigged. */
  rigApiVersion?: 1 | 2;
  /** Units whose outputs the built-in emulator made (placeholders; a real build re-makes them). */
  emulatorUnits: string[];
  /** Steps of this character a build would run (its rig and clips, and prunes). */
  changes: StatusChange[];
}

export interface ProjectStatus {
  now: number;
  characters: CharacterStatus[];
  /** Prune steps of characters no longer in the manifest. */
  removed: StatusChange[];
}

export interface StatusReport {
  status: ProjectStatus;
  /** The team store, when one is configured: offline, the lockfile says what reached it. */
  store?: { url: string; notStored: number };
}

/** `rigup status`: the project planned now (offline), as each character's status. */
export async function statusOfProject(opts: ProjectOptions): Promise<StatusReport> {
  const project = await openProject(opts);
  const now = Date.now();
  const { plan, statCache } = await planProject(project, { now });
  await statCache.save();
  const status = projectStatus(project.resolved, project.lock, plan, now);
  // Offline: the lockfile marks what reached the store; `verify --store` asks the store itself.
  const { store } = project.settings;
  return store ? { status, store: { url: store.url, notStored: countUnstored(project.lock) } } : { status };
}

export function projectStatus(manifest: ResolvedManifest, lock: Lockfile, plan: Plan, now: number): ProjectStatus {
  const byCharacter = new Map<string, Plan["steps"]>();
  for (const step of plan.steps) {
    const list = byCharacter.get(step.character);
    if (list) list.push(step);
    else byCharacter.set(step.character, [step]);
  }
  const toChange = (s: Pick<Plan["steps"][number] | Plan["merges"][number], "key" | "action" | "reasons">): StatusChange => ({
    key: s.key,
    action: s.action as StatusChange["action"],
    reasons: s.reasons,
  });
  const inManifest = new Set(manifest.characters.map((c) => c.name));

  const characters = manifest.characters.map((c): CharacterStatus => {
    const steps = byCharacter.get(c.name) ?? [];
    const rig = lock.characters[c.name]?.rig;
    const until = rig && availableUntil(rig);
    const clipSteps = steps.filter((s) => s.kind === "animation" && s.action !== "prune");
    const outOfDate = clipSteps.filter((s) => s.action !== "noop").length;
    const status: CharacterStatus = {
      name: c.name,
      rigExpired: isExpired(until, now),
      expiry:
        rig?.gone_at !== undefined
          ? "gone at Meshy (deleted, or expired early): adding actions needs a re-rig"
          : expiryWords(rig?.task_id, until, now),
      clips: { upToDate: clipSteps.length - outOfDate, outOfDate },
      emulatorUnits: emulatorUnits(c.name, lock),
      changes: [
        ...steps.filter((s) => s.action !== "noop").map(toChange),
        ...plan.merges.filter((m) => m.character === c.name).map(toChange),
      ],
    };
    if (rig?.task_id) {
      status.rigTaskId = rig.task_id;
      status.rigApiVersion = rig.api_version ?? 1;
    }
    if (until) status.rigExpiresAt = until;
    return status;
  });
  const removed = [...plan.steps, ...plan.merges].filter((s) => !inManifest.has(s.character)).map(toChange);
  return { now, characters, removed };
}

function emulatorUnits(character: string, lock: Lockfile): string[] {
  const c = lock.characters[character];
  if (!c) return [];
  const units: [string, UnitEntry | undefined][] = [
    [`${character}/rig`, c.rig],
    ...Object.entries(c.animations).map(([n, a]): [string, UnitEntry] => [`${character}/animations/${n}`, a]),
  ];
  return units.filter(([, e]) => e?.made_by === "emulator").map(([key]) => key);
}

function expiryWords(taskId: string | undefined, expiresAt: number | undefined, now: number): string {
  if (!taskId) return "not rigged yet";
  // 0 means Meshy has not said yet (plan/expiry.ts).
  if (!expiresAt) return "expiry not known yet";
  const days = Math.ceil(Math.abs(expiresAt - now) / DAY_MS);
  const n = `${days} day${days === 1 ? "" : "s"}`;
  return isExpired(expiresAt, now) ? `expired ${n} ago: adding actions needs a re-rig` : `expires in ${n}`;
}
