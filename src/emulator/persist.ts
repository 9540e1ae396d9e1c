/**
 * The built-in emulator's tasks, kept between `rigup build --emulator` runs (in the
 * project's `.rigup/`), so its task ids stay as meaningful as Meshy's do: a second
 * run can add an action to a rig, resume an interrupted run, re-download a deleted
 * file. Written after every create and delete, before the answer is sent, so any id
 * a client learned is on disk even if the process is killed right after.
 */
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomicSync } from "../fs/atomic-write.js";
import type { TaskRecord } from "./state.js";
import { CREDITS, TASK_KINDS } from "./wire.js";

const FORMAT = 1;

/**
 * Enough to trust a saved task's identity and times; the rest is the emulator's own
 * data, kept as saved. Files written before v2 lack `credits` and `input`.
 */
const SavedTaskSchema = z.looseObject({
  id: z.string().min(1),
  kind: z.enum(TASK_KINDS),
  account: z.string().min(1),
  createdAt: z.number(),
  startedAt: z.number(),
  finishedAt: z.number(),
  outcome: z.enum(["SUCCEEDED", "FAILED"]),
  credits: z.number().nonnegative().optional(),
  input: z.record(z.string(), z.unknown()).optional(),
});
const SavedSchema = z.object({ format: z.literal(FORMAT), tasks: z.array(SavedTaskSchema) });

/** Saved tasks; none when the file is missing or not one of ours (the emulator then starts empty, like a new account). */
export function loadTasks(file: string): TaskRecord[] {
  try {
    const parsed = SavedSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) return [];
    return parsed.data.tasks.map((t) => ({ ...t, credits: t.credits ?? CREDITS[t.kind], input: t.input ?? {} }) as TaskRecord);
  } catch {
    return [];
  }
}

export function saveTasks(file: string, tasks: readonly TaskRecord[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomicSync(file, JSON.stringify({ format: FORMAT, tasks }));
}
