/**
 * The one bounded map over a list (file hashing, store transfers): p-map underneath,
 * with a signature that passes each item only. Bounded because each file open holds
 * a descriptor until it closes: unbounded, a project of a few hundred characters runs
 * out of them under macOS's default `ulimit -n` of 256 (EMFILE). p-map, not p-queue:
 * it has no dependencies and imports in ~2 ms (p-queue ~10 ms), and `rigup check`
 * loads it before every game build. Long-lived queues (the executor's) use p-queue.
 */
import pMap from "p-map";

/**
 * Files open at once. Far below 256, and above libuv's 4 file-system threads:
 * more only queue up.
 */
export const FILE_CONCURRENCY = 32;

/**
 * `fn` over `items`, at most `limit` at a time; results in the order of `items`.
 * The first rejection rejects the whole, and no item starts after it (those running finish).
 */
export function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  return pMap(items, (item) => fn(item), { concurrency: limit });
}
