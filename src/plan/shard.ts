/**
 * `--shard i/n`: split the work by character so a CI matrix of n jobs shares
 * one build. A character belongs to shard `sha256(name) mod n` (1-based).
 *
 * Why a hash and not sorted-name round robin: both ignore manifest order, but
 * with round robin a new character shifts every name sorted after it to another
 * shard, whose runner has neither those outputs in its cache nor (once a task
 * expires) a free way to get them back. A hash never moves an existing
 * character. The price is balance: shards are even only on average.
 */
import { createHash } from "node:crypto";
import type { PlanStep } from "./types.js";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** Bounds the matrix to something a CI can run; also catches `--shard 1/1000000` typos. */
const MAX_SHARDS = 256;

/**
 * Parses `i/n` (e.g. `2/3`).
 * @throws Error with a user-facing message when malformed or out of range.
 */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new Error(`--shard must be i/n with 1 <= i <= n <= ${MAX_SHARDS} (e.g. 2/3), got "${text}"`);
  }
  return { index, count };
}

/** The 1-based shard of a character among `count`. */
export function shardOf(character: string, count: number): number {
  // 48 bits of the digest: exact in a double, and uniform enough for any count <= MAX_SHARDS.
  const h = Number.parseInt(createHash("sha256").update(character, "utf8").digest("hex").slice(0, 12), 16);
  return (h % count) + 1;
}

/** A step filter keeping the characters of `shard` (all of a character's steps stay together: clips wait for their rig). */
export function inShard(shard: Shard): (step: PlanStep) => boolean {
  return (step) => shardOf(step.character, shard.count) === shard.index;
}
