/**
 * /__emulator/*: control and inspection for tests and rehearsals. No auth (they
 * exist only on the emulator, which listens on loopback by default); not counted
 * in the stats and never subject to faults.
 *   GET  /__emulator/stats               -> EmulatorStats
 *   POST /__emulator/clock {"advance_ms"} -> {"now": ms, "offset_ms": ms}
 *   GET  /__emulator/faults              -> Faults
 *   POST /__emulator/faults {partial}     -> Faults (merged)
 *   POST /__emulator/reset               -> {"ok": true}
 */
import { z } from "zod";
import { readJsonBody } from "./body.js";
import type { RequestContext } from "./context.js";
import { sendError, sendJson } from "./http.js";

export interface AdminControls {
  stats(): unknown;
  advanceClock(ms: number): number;
  setFaults(patch: unknown): unknown;
  getFaults(): unknown;
  reset(): void;
  clockOffset(): number;
}

const ClockBody = z.strictObject({ advance_ms: z.number().nonnegative() });

export async function handleAdmin(c: RequestContext, controls: AdminControls): Promise<void> {
  const route = `${c.req.method} ${c.url.pathname}`;
  const body = async () => (await readJsonBody(c.req, 1024 * 1024)).json;
  switch (route) {
    case "GET /__emulator/stats":
      return sendJson(c.res, 200, controls.stats());
    case "POST /__emulator/clock": {
      const parsed = ClockBody.safeParse(await body());
      if (!parsed.success) return sendError(c.res, 400, `Invalid clock body: ${parsed.error.issues[0]?.message}`);
      const now = controls.advanceClock(parsed.data.advance_ms);
      return sendJson(c.res, 200, { now, offset_ms: controls.clockOffset() });
    }
    case "GET /__emulator/faults":
      return sendJson(c.res, 200, controls.getFaults());
    case "POST /__emulator/faults": {
      try {
        return sendJson(c.res, 200, controls.setFaults(await body()));
      } catch (err) {
        if (err instanceof z.ZodError) return sendError(c.res, 400, `Invalid faults: ${z.prettifyError(err)}`);
        throw err;
      }
    }
    case "POST /__emulator/reset":
      controls.reset();
      return sendJson(c.res, 200, { ok: true });
    default:
      return sendError(c.res, 404, "Unknown emulator admin endpoint");
  }
}
