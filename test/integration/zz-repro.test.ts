import { expect, inject, it } from "vitest";
import { adminCall, installShop } from "../support/app-proxy";
import { orderPayload, sendWebhook, uniqueShop } from "../support/webhooks";

it("repro 9e13", async () => {
  const app = inject("appUrl");
  const shop = uniqueShop("repro");
  await installShop(app, inject("adminDoubleUrl"), shop);
  const ok = await sendWebhook(app, { topic: "orders/create", shop, body: orderPayload("123456", new Date(Date.now() - 86400000).toISOString(), "10.00") });
  const big = orderPayload("123457", new Date(Date.now() - 86400000).toISOString(), "100000000000000.00");
  const r = await sendWebhook(app, { topic: "orders/create", shop, body: { ...big, total_price: "100000000000000.00", total_price_set: big.subtotal_price_set } });
  console.log("send", ok.status, r.status, r.text);
  for (const path of ["/app/metrics.json", "/app/customers", "/app/customers.csv", "/app/metrics/customers.csv", "/app/metrics/cohorts.csv"]) {
    const res = await adminCall(app, shop, path);
    console.log(path, res.status, (await res.text()).slice(0, 300));
  }
  expect(1).toBe(1);
});
