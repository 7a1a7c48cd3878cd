// @ts-check
// Comeback loyalty on the storefront: the launcher's panel (app embed) and the "earn points"
// block's variant switch. Vanilla and deferred; the panel fetches its data from the App Proxy only
// when the shopper opens it. Every block may include this file, so it runs once.
// Type-checked by TypeScript (npm run typecheck, tsconfig.storefront.json); the JSDoc types cost
// nothing on the storefront, where the file is served minified.

/**
 * The App Proxy's answers (docs/app-proxy.md, app/storefront/panel.ts), the fields read here.
 * Reward names and descriptions come in the shopper's locale: the server chooses the words.
 * @typedef {{ currency: string, currencyDigits: number }} Currency
 * @typedef {{ id: string, name: string, description?: string, pointsCost: number, minimumOrder?: string }
 *   & ({ kind: "fixed_amount", value: string } | { kind: "percentage", percent: number } | { kind: "free_shipping" } | { kind: "store_credit", value: string })} Reward
 * @typedef {{ kind: string, points: number, name: string | null }} Bonus
 * @typedef {Currency & { purchase: { points: number, perAmount: string } | null, bonuses: Bonus[],
 *   tierBasis: { metric: "points" | "spend", window: "lifetime" | "calendar_year" | "rolling_12_months" }, rewards: Reward[] }} Program
 * @typedef {{ type: string, points: number, reason: string | null, createdAt: string }} Entry
 * @typedef {{ code: string, rewardName: string | null, expiresAt: string }} Code
 * @typedef {{ balance: { available: number, pending: number }, tier: { name: string } | null,
 *   nextTier: { name: string, remaining: string, progressPercent: number } | null,
 *   activity: Entry[], codes: Code[], birthday: string | null, heldOut: boolean }} Member
 * @typedef {{ kind: string, name: string, code: string | null, points: number, expiresAt: string }} Offer A campaign's (app/campaigns/shopper-offer.ts).
 * @typedef {{ status: number, data: any, retryAfter: number }} Result A call's answer; `data` is the endpoint's JSON.
 * @typedef {Node | string | null | undefined | false} Child What `h` takes as children: the falsy ones are left out.
 */
(() => {
  const page = /** @type {Window & { comebackLoyalty?: boolean }} */ (window);
  if (page.comebackLoyalty) return;
  page.comebackLoyalty = true;

  // "Earn points": the block renders one line per variant; show the selected variant's.
  document.addEventListener("change", (event) => {
    const variant = /** @type {HTMLInputElement | HTMLSelectElement} */ (event.target);
    if (variant.name !== "id") return;
    for (const block of document.querySelectorAll("[data-comeback-earn]")) {
      const lines = /** @type {NodeListOf<HTMLElement>} */ (block.querySelectorAll("[data-variant-id]"));
      if (![...lines].some((line) => line.dataset.variantId === variant.value)) continue;
      for (const line of lines) line.hidden = line.dataset.variantId !== variant.value;
    }
  });

  const root = /** @type {HTMLElement | null} */ (document.querySelector("[data-comeback-embed]"));
  if (!root) return;
  /** One of the embed's own elements (blocks/launcher.liquid renders them all). */
  const find = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
  const launcher = find("[data-comeback-launcher]");
  const panel = find("[data-comeback-panel]");
  const body = find("[data-comeback-body]");
  const status = find("[data-comeback-status]");
  const strings = find("[data-comeback-strings]").dataset;
  const { proxy, locale } = root.dataset;

  const plural = new Intl.PluralRules(locale);
  const number = new Intl.NumberFormat(locale);
  const signed = new Intl.NumberFormat(locale, { signDisplay: "exceptZero" });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });

  /**
   * The string `key` (snake_case, as in locales/*.json) with its {placeholders} filled.
   * @param {string} key
   * @param {Record<string, string | number>} [values]
   */
  const say = (key, values = {}) =>
    (strings[key.replace(/_(\w)/g, (_, letter) => letter.toUpperCase())] ?? "").replace(/\{(\w+)\}/g, (_, name) =>
      String(values[name]),
    );
  /** @param {number} count */
  const points = (count) => say(plural.select(count) === "one" ? "points_one" : "points_other", { count: number.format(count) });
  /**
   * Minor units (decimal text) of the program's currency, as the shopper's locale writes money.
   * @param {string} minor
   * @param {Currency} currency
   */
  const money = (minor, { currency, currencyDigits }) =>
    new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(minor) / 10 ** currencyDigits);
  const date = (/** @type {string} */ iso) => day.format(new Date(iso));
  /** Ledger entries the panel's answer brings (docs/app-proxy.md). */
  const PANEL_ACTIVITY = 10;

  /**
   * An element with properties (attributes for names that are no property, and role) and children.
   * @param {string} tag
   * @param {Record<string, any> | null} props
   * @param {...(Child | Child[])} children
   * @returns {HTMLElement}
   */
  const h = (tag, props, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props ?? {})) {
      if (name in node && name !== "role") /** @type {any} */ (node)[name] = value;
      else node.setAttribute(name, value);
    }
    node.append(...children.flat().filter((child) => child != null && child !== false));
    return node;
  };
  /** @param {string} heading @param {...(Child | Child[])} children */
  const section = (heading, ...children) => h("section", { className: "comeback-section" }, h("h3", null, heading), ...children);

  const announce = (/** @type {string} */ message) => (status.textContent = message);
  const wait = (/** @type {number} */ ms) => new Promise((done) => setTimeout(done, ms));

  // Open, close, keep focus inside while open.
  const focusables = () =>
    [
      .../** @type {NodeListOf<HTMLElement & { disabled?: boolean }>} */ (
        panel.querySelectorAll("a[href], button, input, [tabindex='0']")
      ),
    ].filter((node) => !node.disabled && node.getClientRects().length);
  let loaded = false;
  const open = () => {
    announce("");
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    (focusables()[0] ?? panel).focus();
    if (!loaded) load();
  };
  const close = () => {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  };
  launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
  find("[data-comeback-close]").addEventListener("click", close);
  document.addEventListener(
    "pointerdown",
    (event) => !panel.hidden && !root.contains(/** @type {Node} */ (event.target)) && close(),
  );
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      return close();
    }
    if (event.key !== "Tab") return;
    const nodes = focusables();
    const edge = event.shiftKey ? nodes[0] : nodes.at(-1);
    if (document.activeElement === edge || document.activeElement === panel) {
      event.preventDefault();
      (event.shiftKey ? nodes.at(-1) : nodes[0])?.focus();
    }
  });

  /**
   * A call to the App Proxy; network failures answer status 0.
   * @param {string} path
   * @param {object} [body]
   * @returns {Promise<Result>}
   */
  async function call(path, body) {
    try {
      const response = await fetch(proxy + path, {
        method: body ? "POST" : "GET",
        credentials: "same-origin",
        headers: body ? { Accept: "application/json", "Content-Type": "application/json" } : { Accept: "application/json" },
        body: body && JSON.stringify(body),
      });
      const data = await response.json().catch(() => ({}));
      return { status: response.status, data, retryAfter: Number(response.headers.get("Retry-After")) || 2 };
    } catch {
      return { status: 0, data: {}, retryAfter: 2 };
    }
  }

  /** @param {Result} result */
  const failure = ({ status, data }) => {
    if (status === 401) return say(data.error === "sign_in_required" ? "error_sign_in" : "error_signature");
    if (status === 429) return say("error_busy");
    return say("error_generic");
  };

  async function load() {
    panel.setAttribute("aria-busy", "true");
    const result = await call(`/panel?locale=${locale}`);
    panel.removeAttribute("aria-busy");
    if (result.status !== 200) return body.replaceChildren(h("p", { className: "comeback-error" }, failure(result)));
    loaded = true;
    render(result.data);
  }

  /** @param {{ program: Program, member: Member | null, offer: Offer | null, survey?: { url: string } | null, referrals?: boolean }} answer */
  function render({ program, member, offer, survey, referrals }) {
    // A campaign's offer (never for its control group), also to a member held out of the program.
    const offered =
      offer &&
      section(
        say("offer_heading"),
        h(
          "p",
          null,
          offer.kind == "points"
            ? points(offer.points)
            : offer.kind == "message"
              ? offer.name
              : describe(/** @type {any} */ (offer), program),
        ),
        offer.code && h("code", { className: "comeback-code" }, offer.code),
        h("small", null, say("code_expires", { date: date(offer.expiresAt) })),
      );
    if (member?.heldOut)
      return body.replaceChildren(.../** @type {HTMLElement[]} */ ([h("p", null, say("held_out")), offered].filter(Boolean)));
    const launcherPoints = find("[data-comeback-launcher-points]");
    if (member && launcherPoints) launcherPoints.textContent = points(member.balance.available);
    // The page's "Points balance" blocks show the launcher's balance, not the older one of the metafield.
    if (member) {
      const count = member.balance.available;
      const text = say(plural.select(count) === "one" ? "balance_one" : "balance_other", { count: number.format(count) });
      for (const block of document.querySelectorAll("[data-comeback-balance]")) block.textContent = text;
    }
    // A member sees what they have first; a guest how to earn.
    const sections = member
      ? [
          balance(member, program),
          offered,
          member.codes.length && codes(member.codes),
          rewards(program, member),
          ways(program, member),
          activity(member),
        ]
      : [ways(program, null), rewards(program, null)];
    body.replaceChildren(.../** @type {HTMLElement[]} */ ([surveyPrompt(survey), ...sections].filter(Boolean)));
    if (referrals) referral();
    // A re-render removes the button that had focus; keep focus in the dialog.
    if (!panel.contains(document.activeElement)) panel.focus();
  }

  // Feedback: a link to the shopper's open survey, the App Proxy's page (docs/feedback.md).
  /** @param {{ url: string } | null | undefined} survey */
  const surveyPrompt = (survey) =>
    survey &&
    h(
      "p",
      { className: "comeback-section" },
      h("a", { href: `${proxy}/survey${new URL(survey.url).search}&via=panel` }, say("survey_prompt")),
    );

  /** @param {Member} member @param {Program} program */
  function balance({ balance: { available, pending }, tier, nextTier }, program) {
    // What is missing to the next tier: points, or net spend when tiers count spend.
    const missing =
      nextTier &&
      (program.tierBasis.metric === "spend" ? money(nextTier.remaining, program) : points(Number(nextTier.remaining)));
    return h(
      "section",
      { className: "comeback-section comeback-summary" },
      h("p", { className: "comeback-summary__points", "data-comeback-available": "" }, points(available)),
      pending > 0 && h("p", null, say("pending", { points: points(pending) })),
      tier && h("p", null, say("tier", { name: tier.name })),
      nextTier && [
        h(
          "div",
          {
            className: "comeback-progress",
            role: "progressbar",
            "aria-label": say("progress", { name: nextTier.name }),
            "aria-valuemin": 0,
            "aria-valuemax": 100,
            "aria-valuenow": nextTier.progressPercent,
          },
          h("span", { style: `width: ${nextTier.progressPercent}%` }),
        ),
        h("p", null, say("next_tier", { missing: /** @type {string} */ (missing), name: nextTier.name })),
        // What counts toward tiers is not the balance: say what does.
        h("small", null, say(`tier_basis_${program.tierBasis.metric}_${program.tierBasis.window.split("_")[0]}`)),
      ],
    );
  }

  // Referrals: the share section is its own asset (the panel's data-referral), loaded the first
  // time the panel's answer says the member has a link to share (decision 31); once there, it
  // appends itself after every render.
  let referralAsked = false;
  function referral() {
    const show = /** @type {any} */ (window).comebackReferral;
    if (show) return show();
    if (referralAsked || !panel.dataset.referral) return;
    referralAsked = true;
    document.head.append(h("script", { src: panel.dataset.referral, defer: true }));
  }

  /** @param {Code[]} list */
  function codes(list) {
    return section(
      say("codes_heading"),
      h(
        "ul",
        { className: "comeback-list" },
        list.map(({ code, rewardName, expiresAt }) =>
          h(
            "li",
            null,
            h("code", { className: "comeback-code" }, code),
            ` ${rewardName}`,
            expiresAt && h("small", null, say("code_expires", { date: date(expiresAt) })),
            h("button", { type: "button", className: "comeback-link", onclick: () => copy(code) }, say("copy")),
          ),
        ),
      ),
    );
  }

  const copy = (/** @type {string} */ code) =>
    navigator.clipboard?.writeText(code).then(
      () => announce(say("copied")),
      () => {},
    );

  /** Whether a reward's name already says its offer ("$10 off" and "$10.00 off"): then the offer is not repeated. */
  const sameWords = (/** @type {string} */ offer, /** @type {string} */ name) => {
    const plain = (/** @type {string} */ text) =>
      text
        .toLowerCase()
        .replace(/[.,]0+(?!\d)/g, "")
        .replace(/[^\p{L}\p{N}]/gu, "");
    return plain(name).includes(plain(offer));
  };

  /** @param {Reward} reward @param {Program} program */
  function describe(reward, program) {
    const minimum = reward.minimumOrder && say("reward_minimum", { amount: money(reward.minimumOrder, program) });
    if (reward.kind === "fixed_amount" || reward.kind === "store_credit")
      return [say(`reward_${reward.kind}`, { amount: money(reward.value, program) }), minimum];
    if (reward.kind === "percentage") {
      const percent = new Intl.NumberFormat(locale, { style: "percent" }).format(reward.percent / 100);
      return [say("reward_percentage", { percent }), minimum];
    }
    return [say("reward_free_shipping"), minimum];
  }

  /** @param {Program} program @param {Member | null} member */
  function rewards(program, member) {
    if (!program.rewards.length) return null;
    return section(
      say("rewards_heading"),
      h(
        "ul",
        { className: "comeback-list" },
        program.rewards.map((reward) =>
          h(
            "li",
            { className: "comeback-reward", "data-kind": reward.kind },
            h(
              "span",
              null,
              h("strong", null, reward.name),
              reward.description && h("small", null, reward.description),
              h(
                "small",
                null,
                describe(reward, program)
                  .filter((text, index) => text && !(index === 0 && sameWords(text, reward.name)))
                  .join(" "),
              ),
            ),
            h(
              "span",
              { className: "comeback-reward__action" },
              h("span", { className: "comeback-reward__cost" }, points(reward.pointsCost)),
              member && redeemButton(reward, member.balance.available),
            ),
          ),
        ),
      ),
      !member && h("p", null, say("join_to_redeem")),
    );
  }

  // Redeeming spends points, so a first click asks to confirm. One client key per intent: a
  // retry of the same intent (pending, rate limited, network or Shopify failure) reuses it, and
  // the App Proxy answers it with the same redemption. Pending and failed requests are retried a
  // few times on their own; rate limited ones wait for the shopper's next click.
  /** @param {Reward} reward @param {number} available */
  function redeemButton(reward, available) {
    if (available < reward.pointsCost)
      return h("small", null, say("need_more", { points: points(reward.pointsCost - available) }));
    const label = say("redeem");
    const button = /** @type {HTMLButtonElement} */ (h("button", { type: "button", className: "comeback-button" }, label));
    /** @type {string | null} */
    let clientKey = null;
    button.onclick = async () => {
      if (button.dataset.confirming === undefined) {
        button.dataset.confirming = "";
        button.textContent = say("confirm", { points: points(reward.pointsCost) });
        return;
      }
      clientKey ??= Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
      button.disabled = true;
      button.textContent = say("redeeming");
      const outcome = await redeem(reward, clientKey);
      if (!outcome.keepKey) clientKey = null;
      if (outcome.refresh) await load();
      else {
        button.disabled = false;
        button.textContent = label;
        delete button.dataset.confirming;
      }
      announce(outcome.message);
    };
    return button;
  }

  /**
   * @param {Reward} reward
   * @param {string} clientKey
   * @returns {Promise<{ message: string, refresh?: boolean, keepKey?: boolean }>}
   */
  async function redeem(reward, clientKey) {
    for (let attempt = 0; ; attempt++) {
      const result = await call("/redeem", { rewardId: reward.id, clientKey });
      const { status, data } = result;
      if (status === 200)
        return { message: reward.kind === "store_credit" ? say("credited") : say("issued", { code: data.code }), refresh: true };
      if (status === 409)
        return { message: say(data.error === "not_enough_points" ? "error_not_enough" : "error_generic"), refresh: true };
      if (status === 404) return { message: say("error_gone"), refresh: true };
      if (status === 502) return { message: say("error_refused"), keepKey: true };
      if (status === 429) return { message: failure(result), keepKey: true };
      const retry = status === 0 || status === 202 || status >= 500;
      if (!retry || attempt === 4) return { message: status === 202 ? say("pending_code") : failure(result), keepKey: retry };
      if (status === 202) announce(say("pending_code"));
      await wait(result.retryAfter * 1000);
    }
  }

  /** @param {Program} program @param {Member | null} member */
  function ways(program, member) {
    const bonusName = (/** @type {Bonus} */ bonus) => (bonus.kind === "custom" ? bonus.name : say(`bonus_${bonus.kind}`));
    const purchase = program.purchase;
    return section(
      say("earn_heading"),
      h(
        "ul",
        { className: "comeback-list" },
        purchase &&
          h("li", null, say("earn_purchase", { points: points(purchase.points), amount: money(purchase.perAmount, program) })),
        program.bonuses.map((bonus) =>
          h("li", null, bonusName(bonus), h("span", { className: "comeback-reward__cost" }, points(bonus.points))),
        ),
      ),
      member && !member.birthday && program.bonuses.some((bonus) => bonus.kind === "birthday") && birthdayForm(),
    );
  }

  function birthdayForm() {
    const input = /** @type {HTMLInputElement} */ (
      h("input", { type: "date", id: "comeback-birthday", required: true, "aria-describedby": "comeback-birthday-hint" })
    );
    return h(
      "form",
      {
        className: "comeback-birthday",
        onsubmit: async (/** @type {SubmitEvent} */ event) => {
          event.preventDefault();
          const result = await call("/birthday", { birthday: input.value.slice(5) });
          if (result.status !== 200) return announce(failure(result));
          await load();
          announce(say("birthday_saved"));
        },
      },
      h("label", { htmlFor: "comeback-birthday" }, say("birthday_label")),
      input,
      h("small", { id: "comeback-birthday-hint" }, say("birthday_hint")),
      h("button", { type: "submit", className: "comeback-button" }, say("birthday_save")),
    );
  }

  /** @param {Member} member */
  function activity(member) {
    const list = h("ul", { className: "comeback-list" });
    const more = h("button", { type: "button", className: "comeback-link", hidden: true }, say("activity_more"));
    const show = (/** @type {Entry[]} */ entries) =>
      list.append(
        ...entries.map((entry) =>
          h(
            "li",
            null,
            // Only a manual change's reason is written for the shopper; the others are the app's English labels.
            h("span", null, say(`type_${entry.type}`), entry.type === "adjust" && entry.reason && h("small", null, entry.reason)),
            h("span", null, signed.format(entry.points)),
            h("small", null, date(entry.createdAt)),
          ),
        ),
      );
    // The panel brings the PANEL_ACTIVITY latest entries; "show more" pages through the whole
    // ledger from the start when there may be more.
    let cursor = "";
    more.hidden = member.activity.length < PANEL_ACTIVITY;
    more.onclick = async () => {
      const result = await call(`/history${cursor ? `?before=${encodeURIComponent(cursor)}` : ""}`);
      if (result.status !== 200) return announce(failure(result));
      if (!cursor) list.replaceChildren();
      show(result.data.entries);
      cursor = result.data.nextCursor;
      more.hidden = !cursor;
      if (more.hidden) panel.focus();
    };
    show(member.activity);
    return section(say("activity_heading"), member.activity.length ? list : h("p", null, say("activity_empty")), more);
  }
})();
