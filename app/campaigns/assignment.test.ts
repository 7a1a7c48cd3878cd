import { describe, expect, it } from "vitest";
import { assignArm, CONTROL } from "./assignment";
import { holdoutBucket } from "../loyalty/holdout";

const gids = Array.from({ length: 20_000 }, (_, i) => `gid://shopify/Customer/${1_000_000 + i}`);

describe("assignArm", () => {
  it("is a pure function of the salt and the GID: the same customer always lands in the same arm", () => {
    const first = gids.map((gid) => assignArm(gid, "salt-1", 20, ["a", "b"]));
    const again = gids.map((gid) => assignArm(gid, "salt-1", 20, ["a", "b"]));
    expect(again).toEqual(first);
    // Another campaign's salt shuffles customers anew.
    expect(gids.map((gid) => assignArm(gid, "salt-2", 20, ["a", "b"]))).not.toEqual(first);
  });

  it("follows the documented rule: SHA-256 bucket below control % x 100 is control, the rest split evenly in arm order", () => {
    for (const gid of gids.slice(0, 500)) {
      const bucket = holdoutBucket(gid, "s");
      const expected = bucket < 2000 ? CONTROL : bucket < 6000 ? "a" : "b";
      expect(assignArm(gid, "s", 20, ["a", "b"])).toBe(expected);
    }
  });

  it("splits customers in the shares asked for", () => {
    const counts = new Map<string, number>();
    for (const gid of gids) {
      const arm = assignArm(gid, "shares", 20, ["a", "b", "c"]);
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    expect(counts.get(CONTROL)! / gids.length).toBeCloseTo(0.2, 1);
    for (const arm of ["a", "b", "c"]) expect(counts.get(arm)! / gids.length).toBeCloseTo(0.8 / 3, 1);
  });

  it("keeps everyone in control without arms and nobody with a 0 % control", () => {
    expect(assignArm(gids[0], "s", 20, [])).toBe(CONTROL);
    expect(gids.slice(0, 1000).some((gid) => assignArm(gid, "s", 0, ["a"]) === CONTROL)).toBe(false);
  });
});
