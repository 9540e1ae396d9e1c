/**
 * page_num / page_size / sort_by of the list routes (docs/meshy-api.md §4.3; the
 * same under v2 is INFERRED).
 */
import type { RequestContext } from "./context.js";
import { ApiError } from "./errors.js";

function intParam(c: RequestContext, name: string, fallback: number, min: number, max: number): number {
  const raw = c.url.searchParams.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ApiError("invalid_parameter", `Invalid ${name}: expected an integer from ${min} to ${max}`);
  return n;
}

/** The requested page of `tasks` (creation order, i.e. +created_at), and whether more follow it. */
export function pageOf<T>(c: RequestContext, tasks: readonly T[]): { page: T[]; hasMore: boolean } {
  const pageNum = intParam(c, "page_num", 1, 1, Number.MAX_SAFE_INTEGER);
  const pageSize = intParam(c, "page_size", 10, 1, 50);
  const sortBy = c.url.searchParams.get("sort_by") ?? "-created_at";
  if (sortBy !== "+created_at" && sortBy !== "-created_at")
    throw new ApiError("invalid_parameter", "Invalid sort_by: expected +created_at or -created_at");
  const ordered = sortBy === "-created_at" ? [...tasks].reverse() : tasks;
  return { page: ordered.slice((pageNum - 1) * pageSize, pageNum * pageSize), hasMore: ordered.length > pageNum * pageSize };
}
