/**
 * A bounded pool for file work. Each file open holds a descriptor until it closes:
 * unbounded, a project of a few hundred characters runs out of them under macOS's
 * default `ulimit -n` of 256 (EMFILE). Dependency-free on purpose: `rigup check`
 * loads it before every game build, and p-queue's import alone costs ~10 ms.
 */

/**
 * Files open at once. Far below 256, and above libuv's 4 file-system threads:
 * more only queue up.
 */
export const FILE_CONCURRENCY = 32;

/** `fn` over `items`, at most `limit` at a time; results in the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
