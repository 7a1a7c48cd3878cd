// Saves that take something away from shoppers: switching the program off, removing a tier or a
// reward. Such a save goes through only when it names each of them in `confirmed` (the admin asks
// the merchant first, showing what shoppers lose); without, nothing is saved and the answer says
// what it would do. Pure: the server finds the changes and counts what they touch.
import { fieldError, type FieldError, type Tier } from "./program";
import { evaluateTier } from "./tiers";

export type Harm =
  | { kind: "programOff"; key: "program-off" }
  | { kind: "tierRemoved"; key: `tier:${string}`; id: string; name: string }
  | { kind: "rewardRemoved"; key: `reward:${string}`; id: string; name: string };

interface Named {
  id: string;
  name: string;
}

/** The harmful changes from what is saved (`current`, null before the first save) to a save's input. */
export function harmfulChanges(
  current: { enabled: boolean; tiers: readonly Named[]; rewards: readonly Named[] } | null,
  next: { enabled?: boolean; tiers?: readonly { id: string }[]; rewards?: readonly { id: string }[] },
): Harm[] {
  if (!current) return [];
  const harms: Harm[] = [];
  if (current.enabled && next.enabled === false) harms.push({ kind: "programOff", key: "program-off" });
  const kept = (list: readonly { id: string }[] | undefined, id: string) => !list || list.some((item) => item.id === id);
  for (const { id, name } of current.tiers)
    if (!kept(next.tiers, id)) harms.push({ kind: "tierRemoved", key: `tier:${id}`, id, name });
  for (const { id, name } of current.rewards)
    if (!kept(next.rewards, id)) harms.push({ kind: "rewardRemoved", key: `reward:${id}`, id, name });
  return harms;
}

/** The harms a save has not confirmed. */
export const unconfirmedHarms = (harms: readonly Harm[], confirmed: readonly string[] = []) =>
  harms.filter((harm) => !confirmed.includes(harm.key));

/** One field error per unconfirmed harm: on `enabled`, or on the tier or reward list. */
export function harmErrors(harms: readonly Harm[]): FieldError[] {
  return harms.map((harm) =>
    harm.kind === "programOff"
      ? fieldError("enabled", "unconfirmed", { confirm: harm.key })
      : fieldError(harm.kind === "tierRemoved" ? "tiers.removed" : "rewards.removed", "unconfirmed", {
          confirm: harm.key,
          name: harm.name,
        }),
  );
}

/** What a harmful change takes away, in numbers from the shop's data. Days are YYYY-MM-DD in the shop's timezone. */
export type HarmImpact =
  | {
      kind: "programOff";
      key: string;
      /** Members with points they could spend now, and those points. */
      members: number;
      points: number;
      /** Points not yet available (pending period). */
      pendingPoints: number;
      /** Reward codes issued whose validity has not ended, and the day the last one ends. */
      validCodes: number;
      lastCodeEndsOn: string | null;
      expiryMode: "never" | "inactivity" | "batch";
    }
  | {
      kind: "tierRemoved";
      key: string;
      name: string;
      members: number;
      /** Where they go at their next review; `tier` null: no tier. Largest group first. */
      moves: { tier: string | null; members: number }[];
    }
  | { kind: "rewardRemoved"; key: string; name: string; validCodes: number; lastCodeEndsOn: string | null };

/**
 * Where the members of a removed tier go at their next review, by the value they qualify with now:
 * a member whose tier no longer exists is placed afresh among the tiers left (evaluateTier), so
 * the retention months do not keep anyone up. Counts per tier name (null: no tier).
 */
export function tierMoves(
  members: readonly { tierId: string; since: Date | null; value: bigint }[],
  tiers: readonly Tier[],
  now: Date,
  retentionMonths: number,
): { tier: string | null; members: number }[] {
  const counts = new Map<string | null, number>();
  for (const member of members) {
    const current = member.since === null ? null : { tierId: member.tierId, since: member.since };
    const { tier } = evaluateTier(current, tiers, member.value, now, retentionMonths);
    const name = tier?.name ?? null;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([tier, count]) => ({ tier, members: count })).sort((a, b) => b.members - a.members);
}
