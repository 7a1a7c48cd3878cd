// Accessibility checks in the browser tests: axe-core (Deque's rules for WCAG 2.x A/AA and best
// practice) run inside the page, and every violation fails the test with what and where.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect } from "vitest";
import type { Page } from "playwright-core";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Markup that is not ours and that we cannot change: polaris-viz's charts (SVG and legend; their
 * figures are also in a table beside each chart, which is checked); and in the demo only (inside
 * Shopify the admin draws navigation and toasts) the Polaris Frame's navigation, whose hidden
 * dismiss button sits outside any landmark, its loading bar, likewise, and its toasts (an
 * unlabelled close button; measured while fading in).
 */
export const THIRD_PARTY = [
  "div[id^=chart-]",
  "#loyalty-groups-chart",
  ".Polaris-Frame > div:has(> #AppFrameNav)",
  "#AppFrameLoadingBar",
  ".Polaris-Frame-ToastManager",
];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe on the page (or the parts `include` names, less `exclude`) and expects no violation. */
export async function expectAccessible(
  page: Page,
  { include, exclude = THIRD_PARTY }: { include?: string[]; exclude?: string[] } = {},
) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(
    async ({ include, exclude }) => {
      const context = {
        ...(include && { include: include.map((selector) => [selector]) }),
        exclude: exclude.map((selector) => [selector]),
      };
      const axe = (
        window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Violation[] }> } }
      ).axe;
      return (await axe.run(context, { resultTypes: ["violations"] })).violations;
    },
    { include, exclude },
  );
  const described = violations.map(
    (v) =>
      `[${v.impact}] ${v.id}: ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((node) => `${node.target.join(" ")} (${node.failureSummary?.split("\n")[1]?.trim()})`)
        .join("; ")}`,
  );
  expect(described, `axe on ${page.url()}`).toEqual([]);
}
