import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSignedBody, topicKey } from "./webhook-signature";

const sign = (body: string, secret: string) => createHmac("sha256", secret).update(body, "utf8").digest("base64");

describe("isSignedBody", () => {
  const body = '{"id":820982911946154508,"note":"Grüße"}';

  it("accepts the body's HMAC under the secret", () => {
    expect(isSignedBody(body, sign(body, "s3cret"), "s3cret")).toBe(true);
  });

  it("refuses another secret, a changed body, and signatures of another length or shape", () => {
    expect(isSignedBody(body, sign(body, "other"), "s3cret")).toBe(false);
    expect(isSignedBody(body.replace("Grüße", "Gruesse"), sign(body, "s3cret"), "s3cret")).toBe(false);
    expect(isSignedBody(body, sign(body, "s3cret").slice(0, -2), "s3cret")).toBe(false);
    expect(isSignedBody(body, "", "s3cret")).toBe(false);
    expect(isSignedBody(body, Buffer.from(sign(body, "s3cret"), "base64").toString("hex"), "s3cret")).toBe(false);
  });
});

describe("topicKey", () => {
  it("names topics as Shopify's library does", () => {
    expect(topicKey("orders/create")).toBe("ORDERS_CREATE");
    expect(topicKey("customers_email_marketing_consent/update")).toBe("CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE");
    expect(topicKey("app.scopes/update")).toBe("APP_SCOPES_UPDATE");
  });
});
