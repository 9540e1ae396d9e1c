/** GET .../animations/library: the catalogue with v1's filters, the same body under v1 and v2 (docs/meshy-api.md §2.3). */
import { answer, type RequestContext } from "./context.js";
import { ApiError } from "./errors.js";
import { queryLibrary } from "./library.js";

export async function serveLibrary(c: RequestContext): Promise<void> {
  const q = c.url.searchParams;
  const ids = q.get("action_ids");
  const actionIds =
    ids === null
      ? undefined
      : ids
          .split(",")
          .filter((s) => s.trim() !== "")
          .map(Number);
  if (actionIds?.some((n) => !Number.isInteger(n)))
    throw new ApiError("invalid_parameter", "Invalid action_ids: expected comma-separated integers");
  const filter = {
    search: q.get("search") ?? undefined,
    category: q.get("category") ?? undefined,
    subCategory: q.get("sub_category") ?? undefined,
    actionIds,
  };
  answer(c, 200, queryLibrary(filter, c.parts.baseUrl));
}
