import { describe, expect, it } from "vitest";
import { churnRisk, LOW_CHURN_RISK_MIN_P_ALIVE, MEDIUM_CHURN_RISK_MIN_P_ALIVE } from "./clv";

describe("churnRisk", () => {
  it("buckets P(alive) at the exported thresholds", () => {
    expect(LOW_CHURN_RISK_MIN_P_ALIVE).toBe(0.7);
    expect(MEDIUM_CHURN_RISK_MIN_P_ALIVE).toBe(0.3);
    expect(churnRisk(1)).toBe("low");
    expect(churnRisk(0.7)).toBe("low");
    expect(churnRisk(0.69)).toBe("medium");
    expect(churnRisk(0.3)).toBe("medium");
    expect(churnRisk(0.29)).toBe("high");
    expect(churnRisk(0)).toBe("high");
  });
});
