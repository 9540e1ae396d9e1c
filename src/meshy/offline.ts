/**
 * The Meshy API of a run that needs none: `rigup pull`, and a build whose plan only
 * restores from the store, merges and prunes. Any call means the plan changed under
 * the run (the store lost an object meanwhile): it fails the unit and says why.
 */
import { UserError } from "../diagnostics/errors.js";
import type { MeshyApi } from "./api.js";

export function offlineApi(why: string): MeshyApi {
  return new Proxy({} as MeshyApi, {
    get: (_target, name) =>
      // Not a promise; nothing to close.
      name === "then" || name === "close"
        ? undefined
        : () =>
            Promise.reject(
              new UserError("NO_API_KEY", `this needs Meshy (${String(name)}), and ${why}`, {
                hint: "set MESHY_API_KEY (or --api-key-file FILE) and run `rigup build`",
              }),
            ),
  });
}
