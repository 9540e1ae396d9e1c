/**
 * The one timer-as-a-promise: retries, polls and waits across the Meshy client,
 * the executor and the team store all pause through it, so an interrupt ends
 * every pause the same way.
 */

/**
 * Resolves after `ms`. On abort (or when `signal` is already aborted) it clears
 * the timer and rejects with `signal.reason`; a caller that checks the signal
 * itself after the pause catches that and carries on.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
