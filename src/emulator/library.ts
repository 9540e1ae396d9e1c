/**
 * The animation library: only action ids and names published by Meshy.
 * Source: the Animation Library Reference table, https://docs.meshy.ai/api/animation-library
 * (ids 0-18 with name, category and sub-category), and its usage example,
 * `action_id: 92, // Double Combo Attack animation` (the API page's animation
 * example names its output "Reaping_Swing"). Durations are the emulator's own
 * choice: the catalog does not publish them.
 */
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

const e = (action_id: number, name: string, category: string, sub_category: string, durationSec: number, motion: MotionStyle): CatalogEntry => ({
  action_id,
  name,
  category,
  sub_category,
  durationSec,
  motion,
});

export const CATALOG: readonly CatalogEntry[] = [
  e(0, "Idle", "DailyActions", "Idle", 4, "idle"),
  e(1, "Walking_Woman", "WalkAndRun", "Walking", 1.1, "walk"),
  e(2, "Alert", "DailyActions", "LookingAround", 3, "look"),
  e(3, "Arise", "DailyActions", "LookingAround", 2.5, "arise"),
  e(4, "Attack", "Fighting", "AttackingwithWeapon", 1.6, "attack"),
  e(5, "BackLeft_run", "WalkAndRun", "Running", 0.8, "run"),
  e(6, "BackRight_Run", "WalkAndRun", "Running", 0.8, "run"),
  e(7, "BeHit_FlyUp", "Fighting", "GettingHit", 2, "hit"),
  e(8, "Dead", "Fighting", "Dying", 3, "dead"),
  e(9, "ForwardLeft_Run_Fight", "Fighting", "Transitioning", 0.8, "run"),
  e(10, "ForwardRight_Run_Fight", "Fighting", "Transitioning", 0.8, "run"),
  e(11, "Idle_02", "DailyActions", "Idle", 4, "idle"),
  e(12, "Idle_03", "DailyActions", "Idle", 5, "idle"),
  e(13, "Jump_Run", "WalkAndRun", "Running", 1.2, "jump"),
  e(14, "Run_02", "WalkAndRun", "Running", 0.8, "run"),
  e(15, "Run_03", "WalkAndRun", "Running", 0.8, "run"),
  e(16, "RunFast", "WalkAndRun", "Running", 0.6, "run"),
  e(17, "Skill_01", "BodyMovements", "Acting", 2.4, "cast"),
  e(18, "Skill_02", "BodyMovements", "Acting", 2.4, "cast"),
  e(92, "Double_Combo_Attack", "Fighting", "AttackingwithWeapon", 2.2, "attack"),
];

/** The free clips bundled with every rig (API page, `basic_animations`); not library actions. */
export const BASIC_CLIPS = {
  walking: { name: "Walking", durationSec: 1.1, motion: "walk" },
  running: { name: "Running", durationSec: 0.7, motion: "run" },
} as const satisfies Record<string, { name: string; durationSec: number; motion: MotionStyle }>;

export function findAction(actionId: number): CatalogEntry | undefined {
  return CATALOG.find((a) => a.action_id === actionId);
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
