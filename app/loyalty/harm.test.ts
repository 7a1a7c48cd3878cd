import { describe, expect, it } from "vitest";
import { harmErrors, harmfulChanges, tierMoves, unconfirmedHarms } from "./harm";
import type { Tier } from "./program";
import { at } from "./test-helpers";

const tier = (id: string, name: string, threshold: bigint): Tier => ({ id, name, threshold, multiplierBasisPoints: 10000 });
const saved = {
  enabled: true,
  tiers: [tier("silver", "Silver", 500n), tier("gold", "Gold", 1000n)],
  rewards: [
    { id: "five", name: "5 € off" },
    { id: "ship", name: "Free shipping" },
  ],
};

describe("harmfulChanges", () => {
  it("finds the program switched off and each tier and reward left out", () => {
    expect(harmfulChanges(saved, { enabled: false, tiers: [saved.tiers[0]!], rewards: [{ id: "ship" }] })).toEqual([
      { kind: "programOff", key: "program-off" },
      { kind: "tierRemoved", key: "tier:gold", id: "gold", name: "Gold" },
      { kind: "rewardRemoved", key: "reward:five", id: "five", name: "5 € off" },
    ]);
  });

  it("sees no harm in what a save leaves out, in switching on, in edits and additions, or in a first save", () => {
    expect(harmfulChanges(saved, {})).toEqual([]);
    expect(harmfulChanges(saved, { enabled: true })).toEqual([]);
    expect(harmfulChanges({ ...saved, enabled: false }, { enabled: false, tiers: saved.tiers })).toEqual([]);
    // A tier renamed or moved keeps its id: not a removal.
    expect(
      harmfulChanges(saved, {
        tiers: [tier("gold", "Platinum", 2000n), tier("silver", "Silver", 500n), tier("new", "Bronze", 100n)],
        rewards: [...saved.rewards, { id: "ten" }],
      }),
    ).toEqual([]);
    expect(harmfulChanges(null, { enabled: false, tiers: [], rewards: [] })).toEqual([]);
  });
});

describe("unconfirmedHarms and harmErrors", () => {
  const harms = harmfulChanges(saved, { enabled: false, tiers: [], rewards: saved.rewards });

  it("leaves out the harms the save confirmed by key, and ignores keys of other changes", () => {
    expect(unconfirmedHarms(harms).map((harm) => harm.key)).toEqual(["program-off", "tier:silver", "tier:gold"]);
    expect(unconfirmedHarms(harms, ["tier:gold", "reward:five", "gold"]).map((harm) => harm.key)).toEqual([
      "program-off",
      "tier:silver",
    ]);
    expect(unconfirmedHarms(harms, ["program-off", "tier:silver", "tier:gold"])).toEqual([]);
  });

  it("names each unconfirmed harm as a field error with the key that confirms it", () => {
    expect(harmErrors(unconfirmedHarms(harms, ["tier:silver"]))).toEqual([
      {
        field: "enabled",
        code: "unconfirmed",
        params: { confirm: "program-off" },
        message: 'takes something away from shoppers; send the save again with "program-off" in confirmed to go ahead',
      },
      expect.objectContaining({ field: "tiers.removed", code: "unconfirmed", params: { confirm: "tier:gold", name: "Gold" } }),
    ]);
  });
});

describe("tierMoves", () => {
  const now = at("2026-06-01T12:00:00Z");
  const left = [tier("bronze", "Bronze", 100n), tier("silver", "Silver", 500n), tier("platinum", "Platinum", 5000n)];
  const inGold = (value: bigint, since: string | null = "2026-05-01T00:00:00Z") => ({
    tierId: "gold",
    since: since === null ? null : at(since),
    value,
  });

  it("places each member of a removed tier by their value among the tiers left, largest group first", () => {
    const members = [inGold(1200n), inGold(900n), inGold(600n), inGold(400n), inGold(50n), inGold(6000n)];
    expect(tierMoves(members, left, now, 12)).toEqual([
      { tier: "Silver", members: 3 },
      { tier: "Bronze", members: 1 },
      { tier: null, members: 1 },
      { tier: "Platinum", members: 1 },
    ]);
  });

  it("keeps nobody up by the retention months: the tier they held is gone", () => {
    // Entered Gold yesterday with 12 retention months, now below every tier left.
    expect(tierMoves([inGold(10n, "2026-05-31T12:00:00Z")], left, now, 12)).toEqual([{ tier: null, members: 1 }]);
  });

  it("sends everyone to no tier when no tier is left, and counts nothing without members", () => {
    expect(tierMoves([inGold(1200n), inGold(5n, null)], [], now, 12)).toEqual([{ tier: null, members: 2 }]);
    expect(tierMoves([], left, now, 12)).toEqual([]);
  });
});
