/**
 * The one way a body is handed out (store reads, Meshy downloads): given up, even
 * unread, it frees its stream at once; read, it yields every chunk; broken, it
 * fails with the caller's error.
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { bodyOf } from "../../src/async/body-of.js";

/** A stream of `chunks` that counts how often it was asked for data. */
function counted(chunks: Buffer[], failAfter?: number): Readable & { reads: number } {
  let i = 0;
  const stream = new Readable({
    read() {
      stream.reads++;
      if (failAfter !== undefined && i === failAfter) return this.destroy(Object.assign(new Error("reset"), { code: "ECONNRESET" }));
      this.push(i < chunks.length ? chunks[i++] : null);
    },
  }) as Readable & { reads: number };
  stream.reads = 0;
  return stream;
}

describe("bodyOf", () => {
  it("given up unread, a stream that reports its destroy as an error (as undici's bodies do) raises nothing", async () => {
    const stream = new Readable({
      read() {},
      destroy(_err, callback) {
        callback(new Error("Request aborted"));
      },
    });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    try {
      await bodyOf(stream)[Symbol.asyncIterator]().return!();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(stream.destroyed).toBe(true);
    expect(uncaught).toEqual([]);
  });

  it("given up before the first read: the stream is destroyed and never read", async () => {
    const stream = counted([Buffer.from("a"), Buffer.from("b")]);
    const result = await bodyOf(stream)[Symbol.asyncIterator]().return!();
    expect(result.done).toBe(true);
    expect(stream.destroyed).toBe(true);
    expect(stream.reads).toBe(0);
  });

  it("yields every chunk in order", async () => {
    const parts: string[] = [];
    for await (const chunk of bodyOf(counted([Buffer.from("a"), Buffer.from("b"), Buffer.from("c")])))
      parts.push(Buffer.from(chunk).toString());
    expect(parts).toEqual(["a", "b", "c"]);
  });

  it("a break frees the stream; an error mid-way is the caller's", async () => {
    const stream = counted([Buffer.from("a"), Buffer.from("b")]);
    for await (const _ of bodyOf(stream)) break;
    expect(stream.destroyed).toBe(true);

    const broken = bodyOf(counted([Buffer.from("a")], 1), (err) => new Error(`mapped: ${(err as Error).message}`));
    await expect(
      (async () => {
        for await (const _ of broken);
      })(),
    ).rejects.toThrow("mapped: reset");
  });
});
