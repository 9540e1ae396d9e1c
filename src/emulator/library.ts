/**
 * The animation library: Meshy's real catalogue (ids, names, categories), from
 * the snapshot shipped with rigup (src/actions/library-snapshot.json), so the
 * emulator takes every real id and refuses the rest as the service does. Clip
 * lengths and motions are the emulator's own choice: the catalogue publishes
 * neither, so they follow the action's sub-category.
 */
import { SNAPSHOT } from "../actions/snapshot.js";
import type { LibraryAction } from "../meshy/schemas.js";
import type { MotionStyle } from "../gltf/motion.js";

export interface CatalogEntry {
  action_id: number;
  name: string;
  category: string;
  sub_category: string;
  /** Clip length the emulator generates for this action. */
  durationSec: number;
  motion: MotionStyle;
}

/** The closest of the emulator's stock motions to each sub-category; anything else idles. */
const MOTION_BY_SUB_CATEGORY: Readonly<Record<string, MotionStyle>> = {
  Idle: "idle",
  Sleeping: "idle",
  Drinking: "idle",
  HangingfromLedge: "idle",
  LookingAround: "look",
  Interacting: "look",
  Transitioning: "arise",
  PickingUpItem: "arise",
  Walking: "walk",
  CrouchWalking: "walk",
  TurningAround: "walk",
  Swimming: "walk",
  Pushing: "walk",
  Running: "run",
  AttackingwithWeapon: "attack",
  Punching: "attack",
  Blocking: "hit",
  GettingHit: "hit",
  Dying: "dead",
  FallingFreely: "dead",
  CastingSpell: "cast",
  Acting: "cast",
  Jumping: "jump",
  PerformingStunt: "jump",
  VaultingOverObstacle: "jump",
  Climbing: "jump",
  WorkingOut: "jump",
  Dancing: "jump",
};

/** Seconds per motion: one gait cycle for walks and runs, a few seconds for the rest. */
const DURATION_SEC: Readonly<Record<MotionStyle, number>> = {
  idle: 4,
  look: 3,
  arise: 2.5,
  walk: 1.1,
  run: 0.8,
  attack: 1.6,
  hit: 2,
  dead: 3,
  cast: 2.4,
  jump: 1.2,
};

export const CATALOG: readonly CatalogEntry[] = SNAPSHOT.actions.map((a) => {
  const motion = MOTION_BY_SUB_CATEGORY[a.sub_category] ?? "idle";
  return { ...a, durationSec: DURATION_SEC[motion], motion };
});

const byId = new Map(CATALOG.map((a) => [a.action_id, a]));

/** The free clips bundled with every rig (API page, `basic_animations`); not library actions. */
export const BASIC_CLIPS = {
  walking: { name: "Walking", durationSec: 1.1, motion: "walk" },
  running: { name: "Running", durationSec: 0.7, motion: "run" },
} as const satisfies Record<string, { name: string; durationSec: number; motion: MotionStyle }>;

export function findAction(actionId: number): CatalogEntry | undefined {
  return byId.get(actionId);
}

export interface LibraryQuery {
  search?: string;
  category?: string;
  subCategory?: string;
  actionIds?: number[];
}

/** Filters combine (AND); search is a case-insensitive substring of name or key. */
export function queryLibrary(q: LibraryQuery, previewBase: string): LibraryAction[] {
  const search = q.search?.toLowerCase();
  return CATALOG.filter(
    (a) =>
      (!search || a.name.toLowerCase().includes(search) || actionKey(a).includes(search)) &&
      (!q.category || a.category.toLowerCase() === q.category.toLowerCase()) &&
      (!q.subCategory || a.sub_category.toLowerCase() === q.subCategory.toLowerCase()) &&
      (!q.actionIds || q.actionIds.includes(a.action_id)),
  ).map((a) => ({
    action_id: a.action_id,
    name: a.name,
    key: actionKey(a),
    category: a.category,
    sub_category: a.sub_category,
    preview_url: `${previewBase}/previews/${a.action_id}.gif`,
  }));
}

function actionKey(a: CatalogEntry): string {
  return a.name.toLowerCase();
}
