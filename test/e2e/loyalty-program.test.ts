// The loyalty program's admin pages in a real browser against the shared demo: the overview with
// real figures, the settings round-trip (purchase rate, a tier, a reward), every field error at
// once with nothing saved, the storefront preview following the edits, the question before
// turning the program off or removing a tier or a reward, and German.
// Other browser tests use the same demo at the same time: this file adds only tiers no member can
// reach and a reward nobody can afford, and puts the program back as it found it.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { expectAccessible } from "../support/axe";
import { hydrated, launchBrowser } from "../support/browser";
import { waitFor } from "../support/wait";

const url = inject("demoUrl");
const PROGRAM_API = `${url}/app/api/loyalty/program`;
/** Far above any demo customer's points or spend: no member changes tier because of this test. */
const SUMMIT = "9000000";
const SUMMIT_HIGHER = "9500000";

type ProgramJson = {
  enabled: boolean;
  settings: Record<string, unknown>;
  rules: { id: string; kind: string; points: number; perAmount?: string; name?: string; retiredAt: string | null }[];
  tiers: unknown[];
  rewards: unknown[];
};

let browser: Browser;
let original: ProgramJson;
const pageErrors: string[] = [];

const readProgram = async (): Promise<ProgramJson> => (await fetch(PROGRAM_API)).json() as Promise<ProgramJson>;
/** What is in force, without rule version history: what a save could change. */
const inForce = ({ enabled, settings, rules, tiers, rewards }: ProgramJson) => ({
  enabled,
  settings,
  rules: rules
    .filter((rule) => rule.retiredAt === null)
    .map(({ id, kind, points, perAmount, name }) => ({ id, kind, points, perAmount, name })),
  tiers,
  rewards,
});

async function openPage(path: string): Promise<Page> {
  // Reduced motion: polaris-viz draws its bars at once, so screenshots show them whole.
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
  page.on("pageerror", (error) => pageErrors.push(`${path}: ${error}`));
  await page.goto(`${url}${path}`, { waitUntil: "networkidle" });
  await hydrated(page);
  // On a cold start Vite's dev server optimises dependencies and reloads the page once.
  await page.locator("h1").first().waitFor({ timeout: 60_000 });
  return page;
}

const save = (page: Page) => page.getByRole("button", { name: "Save", exact: true }).first().click();
const lastTier = async (page: Page) => page.locator(`#tier-${(await page.locator("[id^=tier-]").count()) - 1}`);
const lastReward = async (page: Page) => page.locator(`#reward-${(await page.locator("[id^=reward-]").count()) - 1}`);

beforeAll(async () => {
  browser = await launchBrowser();
  original = await readProgram();
});

afterAll(async () => {
  // The program as it was (rules that changed get a new version; their content is restored),
  // confirming whatever this file added and now removes.
  const { enabled, settings, rules, tiers, rewards } = inForce(original);
  const now = await readProgram();
  const confirmed = [
    "program-off",
    ...(now.tiers as { id: string }[]).map((tier) => `tier:${tier.id}`),
    ...(now.rewards as { id: string }[]).map((reward) => `reward:${reward.id}`),
  ];
  const restored = await fetch(PROGRAM_API, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ enabled, settings, rules, tiers, rewards, confirmed }),
  });
  expect(restored.status, await restored.text()).toBe(200);
  await browser?.close();
});

describe("loyalty program admin", () => {
  it("sets the program up, refuses bad settings field by field, saves good ones and shows them after a reload", async () => {
    const overview = await openPage("/app/loyalty");
    // A demo without a program shows the empty state; its action leads to the settings.
    if ((await overview.getByText("Set up the program").count()) > 0) {
      await overview.screenshot({ path: "test-results/screenshots/loyalty-empty.png", fullPage: true });
      await overview.getByText("Set up the program").click();
    } else {
      await overview.getByRole("link", { name: "Edit program" }).click();
    }
    await overview.getByRole("heading", { name: "Program settings" }).waitFor();
    // The skeleton shown while the settings load has the same heading; the form comes with the data.
    await overview.locator("#section-points").waitFor();
    const page = overview;
    const tiersBefore = await page.locator("[id^=tier-]").count();
    const rewardsBefore = await page.locator("[id^=reward-]").count();

    // Four mistakes at once: tiers out of order, a reward costing 0 points, a French description
    // without a French name, a negative pending period.
    await page.getByRole("button", { name: "Add tier" }).click();
    let tier = await lastTier(page);
    await tier.getByLabel("Name").fill("E2E Summit");
    await tier.getByLabel(/^Threshold/).fill(SUMMIT);
    await tier.getByLabel("Points multiplier").fill("1.5");
    await page.getByRole("button", { name: "Add tier" }).click();
    tier = await lastTier(page);
    await tier.getByLabel("Name").fill("E2E Peak");
    await tier.getByLabel(/^Threshold/).fill("8000000");
    await page.getByRole("button", { name: "Add reward" }).click();
    const reward = await lastReward(page);
    await reward.getByLabel("Name", { exact: true }).fill("E2E voucher");
    await reward.getByLabel("Amount off").fill("7.50");
    await reward.getByLabel("Cost").fill("0");
    const rewards = page.locator("#section-rewards");
    await rewards.getByLabel("Language code").fill("FR");
    expect(await rewards.textContent()).toContain("Reads as French");
    await rewards.getByRole("button", { name: "Add language" }).click();
    await reward.getByLabel("Description (French)").fill("Pour votre prochaine commande");
    await page.locator("#section-points").getByLabel("Pending period").fill("-1");
    const beforeSubmit = inForce(await readProgram());
    await save(page);
    const errors = page.locator("#settings-errors");
    await errors.waitFor();
    expect(await errors.textContent()).toContain("4 problems to fix");
    expect(await errors.textContent()).toContain(`Reward ${rewardsBefore + 1} · Name (French): Enter a value.`);
    expect(await errors.textContent()).toContain(
      `Tier ${tiersBefore + 2} · Threshold: Must be higher than the threshold of tier ${tiersBefore + 1}.`,
    );
    expect(await tier.textContent()).toContain(`Must be higher than the threshold of tier ${tiersBefore + 1}.`);
    expect(await reward.textContent()).toContain("Enter a whole number from 1 to 1,000,000,000.");
    expect(await page.locator("#section-points").textContent()).toContain("Enter a whole number from 0 to 365.");
    expect(await page.locator("input[aria-invalid=true]").count()).toBe(4);
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/loyalty-settings-errors.png", fullPage: true });
    expect(inForce(await readProgram())).toEqual(beforeSubmit);

    // Fixed, with a new purchase rate; the preview follows the edits before anything is saved.
    await tier.getByLabel(/^Threshold/).fill(SUMMIT_HIGHER);
    await reward.getByLabel("Cost").fill("900000");
    await reward.getByLabel("Name (French)").fill("Bon de 7,50 €");
    await page.locator("#section-points").getByLabel("Pending period").fill("14");
    const earning = page.locator("#section-earning");
    if (!(await earning.getByLabel("Earn points on purchases").isChecked()))
      await earning.getByLabel("Earn points on purchases").check();
    await earning.getByLabel("Points", { exact: true }).fill("3");
    await earning.getByLabel("For every").fill("2.50");
    expect(await earning.textContent()).toContain("Reads as €2.50");
    const preview = page.locator("#storefront-preview");
    await preview.getByText("3 points for every €2.50 spent").waitFor();
    expect(await preview.textContent()).toContain("E2E voucher for 900,000 points");
    expect(await preview.textContent()).toContain("€7.50 off your order");
    // The rewards' own words as a French shopper reads them.
    await preview.getByLabel("Reward texts in").selectOption("fr");
    await preview.getByText("Bon de 7,50 € for 900,000 points").waitFor();
    expect(await preview.textContent()).toContain("Pour votre prochaine commande");
    expect(await preview.textContent()).toMatch(
      /E2E Summit: from (9,000,000 points|€9,000,000\.00 spent) · 1\.5× points on purchases/,
    );
    expect(await page.getByText("Unsaved changes").count()).toBe(1);
    await save(page);
    await page.getByText("Program saved").waitFor();
    expect(await page.locator("#settings-errors").count()).toBe(0);
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/loyalty-settings.png", fullPage: true });

    await page.reload({ waitUntil: "networkidle" });
    await hydrated(page);
    await page.getByRole("heading", { name: "Program settings" }).waitFor();
    expect(await page.locator("[id^=tier-]").count()).toBe(tiersBefore + 2);
    expect(await page.locator("[id^=reward-]").count()).toBe(rewardsBefore + 1);
    expect(await page.locator("#section-earning").getByLabel("Points", { exact: true }).inputValue()).toBe("3");
    expect(await page.locator("#section-earning").getByLabel("For every").inputValue()).toBe("2.50");
    // Tiers come back ordered by threshold: the summit and the peak are the two highest.
    const summit = page.locator(`#tier-${tiersBefore}`);
    expect(await summit.getByLabel("Name").inputValue()).toBe("E2E Summit");
    expect(await summit.getByLabel("Points multiplier").inputValue()).toBe("1.5");
    expect(
      await page
        .locator(`#tier-${tiersBefore + 1}`)
        .getByLabel("Name")
        .inputValue(),
    ).toBe("E2E Peak");
    const saved = await lastReward(page);
    expect(await saved.getByLabel("Name", { exact: true }).inputValue()).toBe("E2E voucher");
    expect(await saved.getByLabel("Name (French)").inputValue()).toBe("Bon de 7,50 €");
    expect(await saved.getByLabel("Amount off").inputValue()).toBe("7.50");
    expect(await saved.getByLabel("Cost").inputValue()).toBe("900000");
    const stored = await readProgram();
    expect(stored.rewards.find((item) => (item as { name: string }).name === "E2E voucher")).toMatchObject({
      translations: { fr: { name: "Bon de 7,50 €", description: "Pour votre prochaine commande" } },
    });
    expect(stored.rules.find((rule) => rule.kind === "purchase" && rule.retiredAt === null)).toMatchObject({
      points: 3,
      perAmount: "250",
    });

    // Leaving with unsaved changes asks first; staying keeps them, discarding restores the saved ones.
    await page.locator("#section-points").getByLabel("Pending period").fill("21");
    await page.getByText("Unsaved changes").waitFor();
    await page.getByRole("link", { name: "Loyalty program" }).first().click();
    await page.getByText("Leave with unsaved changes?").waitFor();
    await page.getByRole("button", { name: "Stay on this page" }).click();
    expect(await page.locator("#section-points").getByLabel("Pending period").inputValue()).toBe("21");
    await page.getByRole("button", { name: "Discard changes" }).first().click();
    expect(await page.locator("#section-points").getByLabel("Pending period").inputValue()).toBe("14");
    await page.close();
  });

  it("asks before turning the program off or removing a tier or a reward, saying what shoppers lose", async () => {
    const page = await openPage("/app/loyalty/settings");
    await page.locator("#section-points").waitFor();
    const status = page.locator("#section-status").getByLabel("The program is on");
    const dialog = page.getByRole("dialog");
    if (!(await status.isChecked())) {
      await status.check();
      await save(page);
      await page.getByText("Program saved").waitFor();
    }

    // Off: the dialog names the members and points at stake, as the performance figures count them.
    const { points } = (await (await fetch(`${url}/app/api/loyalty/performance`)).json()) as { points: { outstanding: number } };
    await status.uncheck();
    await save(page);
    const off = dialog.locator("#harm-programOff");
    await off.waitFor();
    expect(await dialog.getByText("Take this away from shoppers?").count()).toBe(1);
    const offText = (await off.textContent())!;
    expect(offText).toMatch(/[\d,]+ members? holds? [\d,]+ points? they could spend now\.|No member holds points/);
    if (points.outstanding > 0) expect(offText).toContain(`${points.outstanding.toLocaleString("en-US")} point`);
    expect(offText).toContain("nobody can redeem points for a reward");
    expect(offText).toContain("Orders placed while it is off never earn points");
    expect(offText).toMatch(/reward codes? already issued stays? valid|No reward code issued is still valid/);
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/loyalty-confirm-off.png" });
    // Cancel: nothing saved, the edit still on the page.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect((await readProgram()).enabled).toBe(true);
    expect(await page.getByText("Unsaved changes").count()).toBe(1);
    // Confirm: off. Switching on again asks nothing.
    await save(page);
    await off.waitFor();
    // The earlier save's toast may still be up: the stored program tells.
    await dialog.getByRole("button", { name: "Save anyway" }).click();
    await waitFor("the program to be off", async () => !(await readProgram()).enabled);
    // The page reloads the saved program after saving: a switch flipped before that would be undone.
    await waitFor(
      "the saved program on the page",
      async () => (await page.getByText("Unsaved changes").count()) === 0 && !(await status.isChecked()),
    );
    await status.check();
    await save(page);
    // Saved and reloaded into the page: edits made before the reload would be replaced by it.
    await waitFor("the program to be on again", async () => (await readProgram()).enabled);
    await waitFor("the saved program on the page", async () => (await page.getByText("Unsaved changes").count()) === 0);
    expect(await dialog.count()).toBe(0);

    // The tier and the reward the first test added: nobody is in the tier, no code was issued for the reward.
    const before = await readProgram();
    const tiers = await page.locator("[id^=tier-]").count();
    const peak = await lastTier(page);
    expect(await peak.getByLabel("Name").inputValue()).toBe("E2E Peak");
    await peak.getByRole("button", { name: "Remove" }).click();
    const voucher = await lastReward(page);
    expect(await voucher.getByLabel("Name", { exact: true }).inputValue()).toBe("E2E voucher");
    await voucher.getByRole("button", { name: "Remove" }).click();
    await save(page);
    const tier = dialog.locator("#harm-tierRemoved");
    await tier.waitFor();
    expect(await tier.textContent()).toContain("Tier “E2E Peak” is removed");
    expect(await tier.textContent()).toContain("No member is in this tier.");
    const reward = dialog.locator("#harm-rewardRemoved");
    expect(await reward.textContent()).toContain("Reward “E2E voucher” is removed");
    expect(await reward.textContent()).toContain("No reward code issued is still valid.");
    expect(await dialog.locator("#harm-programOff").count()).toBe(0);
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/loyalty-confirm-remove.png" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(inForce(await readProgram())).toEqual(inForce(before));
    await save(page);
    await tier.waitFor();
    await dialog.getByRole("button", { name: "Save anyway" }).click();
    const after = await waitFor("the tier and the reward to be removed", async () => {
      const stored = await readProgram();
      return stored.tiers.length < before.tiers.length && stored;
    });
    expect(after.tiers).toHaveLength(before.tiers.length - 1);
    expect(after.rewards).toHaveLength(before.rewards.length - 1);
    expect(JSON.stringify(after)).not.toContain("E2E Peak");
    expect(JSON.stringify(after)).not.toContain("E2E voucher");
    await waitFor("the page to show the saved tiers", async () => (await page.locator("[id^=tier-]").count()) === tiers - 1);
    await page.close();
  });

  it("shows the program's performance with real figures, and switches it off (asking first) and on", async () => {
    const page = await openPage("/app/loyalty");
    await page.locator("#points-issued").waitFor();
    const count = async (id: string) => Number((await page.locator(id).textContent())!.replace(/,/g, ""));
    const customers =
      (await count("#group-members-customers")) +
      (await count("#group-holdout-customers")) +
      (await count("#group-nonMembers-customers"));
    expect(customers).toBeGreaterThan(3000);
    expect(await page.locator("#group-nonMembers-rate").textContent()).toMatch(/^(\d+\.\d%|—)$/);
    for (const figure of ["issued", "redeemed", "expired", "outstanding", "pending"]) {
      expect(await page.locator(`#points-${figure}`).textContent()).toMatch(/^-?[\d,]+$/);
    }
    // A share of points issued: never negative, not even "-0.0%".
    expect(await page.locator("#points-redemption-rate").textContent()).toMatch(/^(\d+\.\d%|—)$/);
    // The demo's rewards decide whether there is a value per point; either way the card says so.
    expect(await page.locator("#points-liability").textContent()).toMatch(/^(€[\d,]+\.\d\d|—)$/);
    // The holdout lift: the always-valid interval and the verdict in plain words, or why there is nothing to compare.
    if ((await page.locator("#holdout-lift-note").count()) === 0) {
      expect(await page.locator("#holdout-lift").textContent()).toMatch(/^[+-]?\d+(\.\d)? percentage points$/);
      expect(await page.locator("#holdout-revenue-lift").textContent()).toMatch(/^[+-]?€[\d,]+\.\d\d$/);
      const verdict = (await page.locator("#holdout-lift-verdict").textContent())!;
      expect(verdict).toMatch(
        new RegExp(
          "^(The program works: [\\d,]+ more members? bought again|Members bought again less often" +
            "|Not conclusive yet: about [\\d,]+ more customers (\\([\\d,]+ members, [\\d,]+ held out\\)|in each group)" +
            "|No clear difference|Too little data yet: members and the holdout each need at least 100 customers)",
        ),
      );
      if (!verdict.startsWith("Too little")) expect(verdict).toMatch(/ \[-?[\d.]+, -?[\d.]+\]\)?\.$/);
    }
    // Drawn after hydration; on a loaded machine the dev server can take a while to get there.
    await page.locator("#loyalty-groups-chart svg[viewBox]").first().waitFor({ state: "attached", timeout: 60_000 });
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/loyalty-overview.png", fullPage: true });

    const status = async () => [
      await page.locator("#loyalty-status").getAttribute("data-enabled"),
      await page.locator("#loyalty-status").textContent(),
    ];
    const [wasOn] = await status();
    for (const on of wasOn === "true" ? [false, true] : [true, false]) {
      await page.getByRole("button", { name: on ? "Turn on" : "Turn off" }).click();
      if (!on) {
        const dialog = page.getByRole("dialog");
        await dialog.locator("#harm-programOff").waitFor();
        await dialog.getByRole("button", { name: "Cancel" }).click();
        await dialog.waitFor({ state: "detached" });
        expect((await readProgram()).enabled).toBe(true);
        await page.getByRole("button", { name: "Turn off" }).click();
        await dialog.getByRole("button", { name: "Turn off" }).click();
      }
      await page
        .getByText(on ? "Loyalty program turned on" : "Loyalty program turned off")
        .first()
        .waitFor();
      await waitFor("the status badge", async () => {
        const [enabled, text] = await status();
        return enabled === String(on) && text!.includes(on ? "On" : "Off");
      });
      expect((await readProgram()).enabled).toBe(on);
    }
    await page.close();
  });

  it("speaks German, reading amounts as German merchants type them", async () => {
    const page = await openPage("/app/loyalty/settings?locale=de");
    await page.getByRole("heading", { name: "Programmeinstellungen" }).waitFor();
    const earning = page.locator("#section-earning");
    expect(await earning.getByLabel("Je").inputValue()).toBe("2,50");
    await earning.getByLabel("Je").fill("2,00");
    expect((await earning.textContent())!.replace(/\u00a0/g, " ")).toContain("Gelesen als 2,00 €");
    await page.locator("#storefront-preview").getByText("3 Punkte je 2,00 € Einkaufswert").waitFor();
    await page.getByRole("button", { name: "Speichern", exact: true }).first().click();
    await page.getByText("Programm gespeichert").waitFor();
    await page.screenshot({ path: "test-results/screenshots/loyalty-settings-de.png", fullPage: true });
    const stored = await readProgram();
    expect(stored.rules.find((rule) => rule.kind === "purchase" && rule.retiredAt === null)).toMatchObject({
      points: 3,
      perAmount: "200",
    });

    await page.goto(`${url}/app/loyalty?locale=de`, { waitUntil: "networkidle" });
    await hydrated(page);
    await page.getByRole("heading", { name: "Treueprogramm" }).waitFor();
    expect(await page.getByText("Wer wieder kauft").count()).toBe(1);
    expect(await page.locator("#points-issued").textContent()).toMatch(/^-?[\d.]+$/);
    await page.screenshot({ path: "test-results/screenshots/loyalty-overview-de.png", fullPage: true });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
