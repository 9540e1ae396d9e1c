/**
 * Reads a task's Server-Sent Events stream (GET .../:id/stream). `event: message`
 * carries the task JSON, partial while PENDING/IN_PROGRESS; `event: error` with
 * `{status_code, message}` may arrive after an HTTP 200 (docs/meshy-api.md §4.1).
 * The server re-sends state about
 * every 10 s, so silence longer than `idleMs` means the stream stalled.
 *
 * eventsource-parser handles the framing (CRLF, comments, multi-line data); a
 * streaming TextDecoder keeps a UTF-8 character split across chunks intact.
 * This module decides nothing about recovery: it reports how the stream ended.
 */
import { createParser } from "eventsource-parser";
import { ErrorBodySchema, TERMINAL_STATUSES, type Task } from "./schemas.js";

export type StreamOutcome =
  /** A terminal status arrived; the task may still lack fields the stream left out. */
  | { kind: "terminal"; task: Task }
  /** The server sent `event: error` (v1 `{status_code, message}`, v2 `{type, code, message}`). */
  | { kind: "error"; statusCode?: number; type?: string; message: string }
  /** The stream closed, broke, stalled or sent an unreadable event before a terminal status. */
  | { kind: "interrupted"; reason: "ended" | "dropped" | "stalled" | "bad-event"; cause?: unknown };

export interface ReadTaskStreamOptions {
  /** No bytes for this long (comments included) counts as a stall. */
  idleMs: number;
  /** Called for every task event, terminal included. */
  onTask: (task: Task) => void;
  /** Called on a stall: must destroy the body so iteration ends. */
  onStall: () => void;
  /** An event's task object, in the API version's shape (wire.ts); throws on another shape. */
  parseTask: (json: unknown) => Task;
}

export async function readTaskStream(body: AsyncIterable<Uint8Array>, opts: ReadTaskStreamOptions): Promise<StreamOutcome> {
  let outcome: StreamOutcome | undefined;
  let stalled = false;
  const decoder = new TextDecoder("utf-8");

  const parser = createParser({
    onEvent(event) {
      if (outcome) return;
      // The SSE default event type is "message"; the parser leaves it undefined.
      const type = event.event ?? "message";
      if (type === "error") {
        const parsed = ErrorBodySchema.safeParse(parseJson(event.data));
        outcome = parsed.success
          ? { kind: "error", statusCode: parsed.data.status_code, type: parsed.data.type, message: parsed.data.message }
          : { kind: "error", message: event.data.slice(0, 200) };
        return;
      }
      if (type !== "message") return;
      let task: Task;
      try {
        task = opts.parseTask(parseJson(event.data));
      } catch (err) {
        outcome = { kind: "interrupted", reason: "bad-event", cause: err };
        return;
      }
      opts.onTask(task);
      if (TERMINAL_STATUSES.has(task.status)) outcome = { kind: "terminal", task };
    },
  });

  const timer = setTimeout(() => {
    stalled = true;
    opts.onStall();
  }, opts.idleMs);
  try {
    for await (const chunk of body) {
      timer.refresh();
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (outcome) break;
    }
    if (!outcome) parser.feed(decoder.decode());
  } catch (err) {
    outcome ??= { kind: "interrupted", reason: stalled ? "stalled" : "dropped", cause: err };
  } finally {
    clearTimeout(timer);
  }
  return outcome ?? { kind: "interrupted", reason: stalled ? "stalled" : "ended" };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
