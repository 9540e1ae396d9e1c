/** `--shard i/n` in the use cases that take it (plan, build): the notice a CI log shows, and the plan cut down to the shard. */
import { filterPlan } from "../plan/filter.js";
import { inShard, shardOf, type Shard } from "../plan/shard.js";
import type { Plan } from "../plan/types.js";

/** The line plan and build print under `--shard`, so a CI log shows which characters this job owns. */
export function shardNotice(shard: Shard, characters: readonly string[]): string {
  const mine = characters.filter((name) => shardOf(name, shard.count) === shard.index);
  return `Shard ${shard.index}/${shard.count}: ${mine.length ? mine.join(", ") : "no characters"} (${mine.length} of ${characters.length}).\n`;
}

/** The plan's steps (and merges) of the shard's characters; the whole plan without a shard. */
export function planOfShard(plan: Plan, shard: Shard | undefined): Plan {
  return shard ? filterPlan(plan, inShard(shard)) : plan;
}
