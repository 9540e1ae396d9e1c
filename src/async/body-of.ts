/**
 * One way to hand out a response or file body: an async iterable over a Node stream
 * that frees the stream whenever the reader stops, including before it ever started.
 */
import type { Readable } from "node:stream";

/**
 * A stream as a body to read with `for await`. Giving up on it (the iterator's return(), which
 * `for await ... break` and pipeline call) destroys the stream, freeing its file or
 * socket, even before the first chunk, when a stream's own iterator would not.
 * Errors while it streams go through `mapError`.
 */
export function bodyOf(stream: Readable, mapError: (err: unknown) => unknown = (err) => err): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => {
      // Made on the first read: a body given up unread never starts the stream.
      let inner: AsyncIterator<Uint8Array> | undefined;
      return {
        next: () =>
          (inner ??= stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>).next().catch((err: unknown) => {
            throw mapError(err);
          }),
        return: async () => {
          // Given up: its errors are nobody's (undici reports the destroy of an unread body as one).
          stream.on("error", () => {});
          stream.destroy();
          return { done: true as const, value: undefined };
        },
      };
    },
  };
}
