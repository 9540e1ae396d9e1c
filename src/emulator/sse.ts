/**
 * Task streams, GET /openapi/v1/<kind>/:id/stream and /openapi/v2/tasks/:id/stream:
 * Server-Sent Events as the API page shows them. An event on every
 * status/progress change, the full object at the end, then the stream closes; the
 * current state again every keepAliveMs; and for an unknown task, HTTP 200
 * followed by `event: error` (that is how the real service answers). v2 streams
 * the same way with v2 task objects (docs/meshy-api.md §4.1: INFERRED from v1).
 */
import type { EmulatorParts, Handler, RequestContext } from "./context.js";
import type { TaskRecord } from "./state.js";
import { TERMINAL_STATUSES } from "./wire.js";

const SSE_HEADERS = { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" };

/** How one API version finds and shows a streamed task. */
export interface StreamView {
  find(c: RequestContext): TaskRecord | undefined;
  json(parts: EmulatorParts, task: TaskRecord, partial: boolean): unknown;
  /** The `event: error` payload for a task that is not (or no longer) there. */
  notFound: unknown;
}

function write(c: RequestContext, event: "message" | "error", data: unknown): void {
  c.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function streamTask(view: StreamView): Handler {
  return async (c) => {
    const { store, options, faults } = c.parts;
    const task = view.find(c);
    c.res.writeHead(200, SSE_HEADERS);
    if (!task) {
      write(c, "error", view.notFound);
      c.res.end();
      return;
    }
    const drop = c.fault === "drop-stream" || faults.roll(faults.current.dropStream);
    // Poll the lazily computed state often enough to see each progress step.
    const duration = task.finishedAt - task.startedAt;
    const tickMs = Math.min(250, options.keepAliveMs, Math.max(10, duration / 50));
    let last = "";
    let lastSentAt = 0;

    const tick = () => {
      if (!store.get(task.id)) {
        // Deleted or expired while streaming.
        write(c, "error", view.notFound);
        return finish();
      }
      const s = store.state(task);
      const terminal = TERMINAL_STATUSES.has(s.status);
      if (drop && (terminal || lastSentAt > 0)) {
        // Mid-stream drop: the connection dies without a terminal event.
        faults.count("drop-stream");
        clearInterval(timer);
        c.res.destroy();
        return;
      }
      const key = `${s.status}:${s.progress}:${s.precedingTasks}`;
      if (key === last && Date.now() - lastSentAt < options.keepAliveMs) return;
      last = key;
      lastSentAt = Date.now();
      write(c, "message", view.json(c.parts, task, true));
      if (terminal) finish();
    };
    const finish = () => {
      clearInterval(timer);
      c.res.end();
    };
    const timer = setInterval(tick, tickMs);
    c.res.on("close", () => clearInterval(timer));
    tick();
  };
}
