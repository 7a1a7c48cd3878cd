import { readdirSync, readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import {
  FLOW_TRIGGERS,
  FlowPayloadError,
  MAX_PAYLOAD_BYTES,
  customerIdOf,
  flowPayloadJson,
  payloadVariable,
  triggerOfHandle,
  type FlowPayload,
} from "./flow-triggers";

const extensions = new URL("../../extensions/", import.meta.url);

interface TriggerToml {
  extensions: { name: string; type: string; handle: string; description?: string }[];
  settings: { fields: { type: string; key?: string; description?: string }[] };
}

const tomls = readdirSync(extensions)
  .filter((dir) => dir.startsWith("flow-"))
  .map((dir) => parse(readFileSync(new URL(`${dir}/shopify.extension.toml`, extensions), "utf8")) as unknown as TriggerToml)
  .filter((toml) => toml.extensions[0].type === "flow_trigger");

const OFFER: FlowPayload<"campaignEntered"> = {
  campaignName: "Spring",
  arm: "A",
  offerKind: "store_credit",
  code: "",
  expiresAt: "2026-12-31T23:59:59+01:00",
};

describe("the Flow trigger extensions", () => {
  it("declare every trigger of FLOW_TRIGGERS, and no other, with its fields in order", () => {
    expect(tomls.map((toml) => toml.extensions[0].handle).sort()).toEqual(
      Object.values(FLOW_TRIGGERS)
        .map((trigger) => trigger.handle)
        .sort(),
    );
    for (const toml of tomls) {
      const [extension] = toml.extensions;
      const trigger = FLOW_TRIGGERS[triggerOfHandle(extension.handle)!];
      expect(extension.name).toBe(trigger.name);
      expect(extension.description).toBeTruthy();
      expect(toml.settings.fields).toEqual([
        { type: "customer_reference" },
        ...Object.values(trigger.fields).map(({ key, type, description }) => ({ type, key, description })),
      ]);
    }
  });

  it("keep to Flow's rules: handles of at most 30 letters, digits and hyphens; keys of letters and spaces; names without punctuation", () => {
    for (const trigger of Object.values(FLOW_TRIGGERS)) {
      expect(trigger.handle).toMatch(/^[a-z0-9-]{1,30}$/);
      expect(trigger.name).toMatch(/^[A-Z][a-z ]+$/);
      for (const field of Object.values(trigger.fields)) expect(field.key).toMatch(/^[A-Za-z ]+$/);
    }
  });

  it("include the lifecycle callback at the app's route", () => {
    const lifecycle = parse(readFileSync(new URL("flow-lifecycle/shopify.extension.toml", extensions), "utf8")) as unknown as {
      extensions: { type: string; url: string }[];
    };
    expect(lifecycle.extensions[0]).toMatchObject({ type: "flow_trigger_lifecycle_callback", url: "/flow/lifecycle" });
    expect(readdirSync(new URL("../routes/", import.meta.url))).toContain("flow.lifecycle.tsx");
  });
});

describe("flowPayloadJson", () => {
  it("writes customer_id as the exact number, however large, and each field under its Flow key", () => {
    const json = flowPayloadJson("campaignEntered", "gid://shopify/Customer/9007199254740993", OFFER);
    expect(json).toBe(
      '{"customer_id":9007199254740993,"Campaign name":"Spring","Arm":"A","Offer kind":"store_credit","Discount code":"","Offer expires at":"2026-12-31T23:59:59+01:00"}',
    );
    // As the GraphQL variable, the id stays exact.
    expect(JSON.stringify(payloadVariable(json))).toBe(json);
  });

  it("refuses what Flow would: a missing or mistyped field, an unknown one, a bad customer or link, too many bytes", () => {
    const gid = "gid://shopify/Customer/1";
    const bad = (payload: unknown) => () => flowPayloadJson("campaignEntered", gid, payload as FlowPayload<"campaignEntered">);
    expect(bad({ ...OFFER, arm: undefined })).toThrow(FlowPayloadError);
    expect(bad({ ...OFFER, arm: 2 })).toThrow("campaignEntered.arm must be a string");
    expect(bad({ ...OFFER, extra: "x" })).toThrow("has no field extra");
    expect(bad({ ...OFFER, campaignName: "x".repeat(MAX_PAYLOAD_BYTES) })).toThrow("Flow takes under 50000");
    expect(() => flowPayloadJson("campaignEntered", "gid://shopify/Order/1", OFFER)).toThrow("not a customer GID");
    expect(() =>
      flowPayloadJson("churnRiskHigh", gid, { probabilityAlive: Number.NaN, predictedClv: 10, nextOrderDue: "" }),
    ).toThrow("must be finite");
    expect(() =>
      flowPayloadJson("surveyReady", gid, { surveyName: "NPS", surveyUrl: "javascript:alert(1)", expiresAt: "" }),
    ).toThrow("https URL");
    expect(customerIdOf("gid://shopify/Customer/42")).toBe("42");
  });
});
