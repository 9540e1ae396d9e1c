/**
 * Interactive terminals: a listr2 task list, one group per character, one row
 * per rig/animation showing Meshy's percent, queue position and download bytes.
 * listr2 lives only here. It writes to stderr: stdout is for `--json`.
 */
import type { Writable } from "node:stream";
import { Listr, ListrLogger, ProcessOutput, type ListrTaskWrapper } from "listr2";
import type { ExecEvent } from "../execute/events.js";
import type { Plan } from "../plan/types.js";
import { formatBytes, formatSummary, type Reporter } from "./reporter.js";

interface Row {
  done: Promise<ExecEvent & { type: "unit:done" }>;
  resolve: (e: ExecEvent & { type: "unit:done" }) => void;
  task?: ListrTaskWrapper<unknown, never, never>;
}

export function ttyReporter(plan: Plan, stderr: Writable): Reporter {
  const rows = new Map<string, Row>();
  const byCharacter = new Map<string, string[]>();
  for (const s of plan.steps) {
    if (s.action === "noop" || s.action === "prune") continue;
    let resolve!: Row["resolve"];
    const done = new Promise<ExecEvent & { type: "unit:done" }>((r) => (resolve = r));
    rows.set(s.key, { done, resolve });
    byCharacter.set(s.character, [...(byCharacter.get(s.character) ?? []), s.key]);
  }
  const out = stderr as NodeJS.WriteStream;
  const list = new Listr(
    [...byCharacter].map(([character, keys]) => ({
      title: character,
      task: (_: unknown, group: ListrTaskWrapper<unknown, never, never>) =>
        group.newListr(
          keys.map((key) => ({
            title: key.slice(character.length + 1),
            task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) => {
              const row = rows.get(key)!;
              row.task = task;
              const end = await row.done;
              if (end.outcome === "failed") throw new Error(end.message ?? "failed");
              if (end.outcome === "blocked" || end.outcome === "interrupted") task.skip(end.message ?? end.outcome);
              else task.title = `${key.slice(character.length + 1)}: ${end.outcome}`;
            },
          })),
          { concurrent: true, exitOnError: false },
        ),
    })),
    {
      concurrent: true,
      exitOnError: false,
      renderer: "default",
      rendererOptions: {
        collapseSubtasks: false,
        logger: new ListrLogger({ processOutput: new ProcessOutput(out, out) }),
      },
    },
  );
  const running = list.run().catch(() => undefined);
  let summary = "";

  return {
    onEvent(e) {
      const row = "key" in e ? rows.get(e.key) : undefined;
      switch (e.type) {
        case "task:created":
          if (row?.task) row.task.output = `task ${e.taskId} created (${e.credits} credits)`;
          break;
        case "task:progress":
          if (row?.task) {
            const queue = e.status === "PENDING" && e.precedingTasks ? `, ${e.precedingTasks} ahead in queue` : "";
            row.task.output = `${e.status.toLowerCase().replace("_", " ")} ${e.progress}%${queue}`;
          }
          break;
        case "queue:full":
          if (row?.task) row.task.output = "account queue full: waiting for a task to finish";
          break;
        case "file:progress":
          if (row?.task) row.task.output = `downloading ${e.path}: ${formatBytes(e.bytes)}${e.total ? ` of ${formatBytes(e.total)}` : ""}`;
          break;
        case "unit:done":
          row?.resolve(e);
          break;
        case "run:done":
          summary = formatSummary(e.summary);
          // Units the executor never reached (a stopped run) end as skipped rows.
          for (const [key, r] of rows) r.resolve({ type: "unit:done", at: e.at, key, outcome: "blocked", message: "not run" });
          break;
        default:
          break;
      }
    },
    async close() {
      await running;
      if (summary) stderr.write(`${summary}\n`);
    },
  };
}
