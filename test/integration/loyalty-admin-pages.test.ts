// The loyalty program's admin pages on the built app: they refuse requests without a valid session
// token, and the settings page's action saves a whole program typed in German, or refuses it with
// every field error and saves nothing; a save that turns the program off or removes a tier or a
// reward goes through only confirmed, and unconfirmed says what shoppers would lose. Runs on
// SQLite and on PostgreSQL.
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../app/loyalty/program";
import { formFromProgram, newReward, newTier, type ProgramForm } from "../../app/loyalty/program-form";
import { testDb } from "../support/db";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../support/session-token";
import { uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");

async function install(shop: string) {
  const configured = await fetch(`${double()}/_test/shops/${shop}`, {
    method: "PUT",
    body: JSON.stringify({ name: "Loyalty Pages", currencyCode: "EUR", ianaTimezone: "Europe/Berlin", jsonl: "" }),
  });
  expect(configured.ok).toBe(true);
  const response = await fetch(embeddedAppUrl(app(), shop, sessionToken(shop)), { redirect: "manual", headers: BROWSER_HEADERS });
  expect(response.status).toBe(200);
}

/** A request as App Bridge's fetch makes it: the session token as a bearer token. */
function call(path: string, token: string | null, body?: unknown) {
  return fetch(`${app()}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...BROWSER_HEADERS, "Content-Type": "application/json", ...(token && { Authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
}

const program = async (shop: string) => (await call("/app/api/loyalty/program", sessionToken(shop))).json();

/** A new program as the page suggests it, in German, with one tier and one reward. */
function germanForm(): ProgramForm {
  const form = formFromProgram(
    { enabled: true, settings: DEFAULT_SETTINGS, rules: [], tiers: [], rewards: [] },
    "EUR",
    "de",
    true,
  );
  form.purchase.perAmount = "2,50";
  form.tiers = [{ ...newTier(), name: "Gold", threshold: "1.000" }];
  form.rewards = [{ ...newReward(), name: "5 €", value: "5,00", pointsCost: "500", minimumOrder: "25" }];
  return form;
}

describe("loyalty admin pages", () => {
  it("refuse page loads, data requests and saves without a valid session token", async () => {
    const shop = uniqueShop("pages-auth");
    await install(shop);
    for (const path of ["/app/loyalty", "/app/loyalty/settings"]) {
      const page = await fetch(`${app()}${path}?embedded=1&shop=${shop}`, { redirect: "manual", headers: BROWSER_HEADERS });
      expect(page.status, path).not.toBe(200);
      expect(await page.text()).not.toContain("Loyalty program");
      // No token at all: Shopify's library sends the request to log in, with no data.
      const anonymous = await call(`${path}.data`, null);
      expect(await anonymous.text()).toMatch(/^\[\["SingleFetchRedirect".*"\/auth\/login"/);
      for (const token of [sessionToken(shop, { secret: "forged" }), sessionToken(shop, { expiresInSeconds: -120 })]) {
        expect((await call(`${path}.data`, token)).status, `${path}.data`).toBe(401);
      }
    }
    const before = await program(shop);
    for (const token of [null, sessionToken(shop, { secret: "forged" })]) {
      expect((await call("/app/loyalty/settings.data", token, { locale: "de", form: germanForm() })).status).not.toBe(200);
      expect((await call("/app/loyalty.data", token, { enabled: "true" })).status).not.toBe(200);
    }
    expect(await program(shop)).toEqual(before);
  });

  it("saves a program typed in German, amounts exactly in minor units", async () => {
    const shop = uniqueShop("pages-save");
    await install(shop);
    const saved = await call("/app/loyalty/settings.data", sessionToken(shop), { locale: "de", form: germanForm() });
    expect(saved.status, await saved.clone().text()).toBe(200);
    const stored = await program(shop);
    expect(stored.enabled).toBe(true);
    expect(stored.rules).toMatchObject([{ kind: "purchase", points: 1, perAmount: "250", retiredAt: null }]);
    expect(stored.tiers).toMatchObject([{ name: "Gold", threshold: "1000", multiplierBasisPoints: 10000 }]);
    expect(stored.rewards).toMatchObject([
      { name: "5 €", kind: "fixed_amount", value: "500", minimumOrder: "2500", pointsCost: 500 },
    ]);
    // The overview reads the program it saved.
    const overview = await call("/app/loyalty.data", sessionToken(shop));
    expect(overview.status).toBe(200);
  });

  it("refuses a bad program with every field error at once and saves nothing", async () => {
    const shop = uniqueShop("pages-refuse");
    await install(shop);
    expect((await call("/app/loyalty/settings.data", sessionToken(shop), { locale: "de", form: germanForm() })).status).toBe(200);
    const before = await program(shop);

    const form = germanForm();
    form.tiers.push({ ...newTier(), name: "Platin", threshold: "500" });
    form.rewards[0]!.pointsCost = "0";
    form.settings.pendingDays = "-1";
    form.purchase.perAmount = "zehn";
    const refused = await call("/app/loyalty/settings.data", sessionToken(shop), { locale: "de", form });
    expect(refused.status).toBe(400);
    const body = await refused.text();
    for (const field of ["tiers[1].threshold", "rewards[0].pointsCost", "settings.pendingDays", "purchase.perAmount"])
      expect(body).toContain(field);
    for (const code of ["tierNotIncreasing", "wholeNumberRange", "notANumber"]) expect(body).toContain(`"${code}"`);
    expect(await program(shop)).toEqual(before);

    // Only the domain's errors (every value readable): saveProgram's verdict, equally complete.
    form.purchase.perAmount = "2,50";
    form.tiers[1]!.threshold = "1.000";
    const domain = await call("/app/loyalty/settings.data", sessionToken(shop), { locale: "de", form });
    expect(domain.status).toBe(400);
    const domainBody = await domain.text();
    for (const field of ["tiers[1].threshold", "rewards[0].pointsCost", "settings.pendingDays"])
      expect(domainBody).toContain(field);
    expect(domainBody).toContain('"duplicateTier"');
    expect(await program(shop)).toEqual(before);

    const unreadable = await call("/app/loyalty/settings.data", sessionToken(shop), {
      locale: "de",
      form: { tiers: "all of them" },
    });
    expect(unreadable.status).toBe(400);
    expect(await unreadable.text()).toContain('"unreadable"');
  });

  it("turns the program off and removes a tier and a reward only when confirmed, saying first what shoppers lose", async () => {
    const shop = uniqueShop("pages-harm");
    await install(shop);
    const form = germanForm();
    form.tiers = [
      { ...newTier(), name: "Silber", threshold: "500" },
      { ...newTier(), name: "Gold", threshold: "1.000" },
    ];
    expect((await call("/app/loyalty/settings.data", sessionToken(shop), { locale: "de", form })).status).toBe(200);
    const [silver, gold] = form.tiers.map((tier) => tier.id);
    const reward = form.rewards[0]!.id;

    // Members as the worker leaves them: two in Gold (one still earns Silver, one no tier), one without a tier.
    const db = testDb();
    const day = 86_400_000;
    const now = Date.now();
    const members = [
      { gid: "gid://shopify/Customer/701", tierId: gold, available: 1200, pending: 0 },
      { gid: "gid://shopify/Customer/702", tierId: gold, available: 300, pending: 40 },
      { gid: "gid://shopify/Customer/703", tierId: null, available: 50, pending: 20 },
    ];
    for (const member of members) {
      await db.loyaltyMember.create({
        data: {
          shopDomain: shop,
          customerGid: member.gid,
          enrolledAt: new Date(now - 60 * day),
          tierId: member.tierId,
          tierSince: member.tierId && new Date(now - 10 * day),
        },
      });
      const earned = (points: number, availableAt: number, key: string) => ({
        shopDomain: shop,
        sourceKey: `${member.gid}:${key}`,
        memberGid: member.gid,
        type: "earn",
        source: "order",
        points,
        reason: "order",
        createdAt: new Date(now - 40 * day),
        availableAt: new Date(availableAt),
      });
      await db.ledgerEntry.create({ data: earned(member.available, now - 30 * day, "available") });
      if (member.pending) await db.ledgerEntry.create({ data: earned(member.pending, now + 5 * day, "pending") });
    }
    // Codes of the reward: two still valid, one past its end; and a valid one of a reward that stays.
    const code = (rewardId: string, endsIn: number, status = "issued") =>
      db.redemption.create({
        data: {
          id: randomUUID(),
          shopDomain: shop,
          memberGid: members[0]!.gid,
          rewardId,
          clientKey: randomUUID(),
          status,
          code: `CB-${randomUUID().slice(0, 8)}`,
          points: 500,
          expiresAt: new Date(now + endsIn * day),
        },
      });
    await code(reward, 10);
    await code(reward, 20);
    await code(reward, -1);
    await code(reward, 30, "failed");
    await code("other", 40);
    const before = await program(shop);

    // The API: the same refusal, with what each change would take, in the shop's numbers.
    const harmful = { enabled: false, tiers: [before.tiers[0]], rewards: [] };
    const api = await call("/app/api/loyalty/program", sessionToken(shop), harmful);
    expect(api.status).toBe(400);
    const refusal = await api.json();
    expect(refusal.errors).toEqual([
      expect.objectContaining({ field: "enabled", code: "unconfirmed", params: { confirm: "program-off" } }),
      expect.objectContaining({ field: "tiers.removed", code: "unconfirmed", params: { confirm: `tier:${gold}`, name: "Gold" } }),
      expect.objectContaining({
        field: "rewards.removed",
        code: "unconfirmed",
        params: { confirm: `reward:${reward}`, name: "5 €" },
      }),
    ]);
    const lastDay = (days: number) =>
      new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(now + days * day));
    expect(refusal.impact).toEqual([
      {
        kind: "programOff",
        key: "program-off",
        members: 3,
        points: 1550,
        pendingPoints: 60,
        validCodes: 3,
        lastCodeEndsOn: lastDay(40),
        expiryMode: "never",
      },
      {
        kind: "tierRemoved",
        key: `tier:${gold}`,
        name: "Gold",
        members: 2,
        moves: [
          { tier: "Silber", members: 1 },
          { tier: null, members: 1 },
        ],
      },
      { kind: "rewardRemoved", key: `reward:${reward}`, name: "5 €", validCodes: 2, lastCodeEndsOn: lastDay(20) },
    ]);
    expect(await program(shop)).toEqual(before);

    // The settings page: without confirmation nothing changes; confirming some is not enough.
    const off = structuredClone(form);
    off.enabled = false;
    off.tiers = off.tiers.filter((tier) => tier.id === silver);
    off.rewards = [];
    const page = (confirmed?: string[]) =>
      call("/app/loyalty/settings.data", sessionToken(shop), { locale: "de", form: off, confirmed });
    for (const confirmed of [undefined, [], ["program-off", `tier:${gold}`], [`tier:${silver}`, `reward:${reward}`]]) {
      const refused = await page(confirmed);
      expect(refused.status, JSON.stringify(confirmed)).toBe(400);
      // The page's answer is what to ask about: the harms not yet confirmed.
      expect(await refused.text()).toContain('"impact"');
      expect(await program(shop)).toEqual(before);
    }

    const confirmed = await page(["program-off", `tier:${gold}`, `reward:${reward}`]);
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    const after = await program(shop);
    expect(after.enabled).toBe(false);
    expect(after.tiers.map((tier: { name: string }) => tier.name)).toEqual(["Silber"]);
    expect(after.rewards).toEqual([]);
    // Switching it on again takes nothing from anyone: no question.
    expect((await call("/app/api/loyalty/program", sessionToken(shop), { enabled: true })).status).toBe(200);
  });
});
