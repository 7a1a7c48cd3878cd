import { describe, expect, it } from "vitest";
import { tierTagChanges } from "./metafields";

describe("tierTagChanges", () => {
  it("adds the new tier's tag and removes the previous one's, only when the tier changed", () => {
    expect(tierTagChanges(null, "Silver")).toEqual({ add: ["comeback-tier:Silver"], remove: [] });
    expect(tierTagChanges("Silver", "Gold")).toEqual({ add: ["comeback-tier:Gold"], remove: ["comeback-tier:Silver"] });
    expect(tierTagChanges("Gold", null)).toEqual({ add: [], remove: ["comeback-tier:Gold"] });
    expect(tierTagChanges("Gold", "Gold")).toEqual({ add: [], remove: [] });
  });
});
