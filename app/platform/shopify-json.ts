// Shopify's numeric ids can exceed 2^53, where JSON.parse silently rounds them. Every `id` and
// `*_id` number, and every integer too large to be exact (ids inside arrays), is therefore kept as
// its exact source text.
//
// Every webhook body goes through this, so it is built for speed: one native scan for strings and
// numbers puts quotes around those numbers, then one plain JSON.parse. (A reviver that reads each
// value's source text costs three times as much: it runs JavaScript for every value of the body.)
// Quoting a number token never turns invalid JSON into valid JSON, so errors stay JSON.parse's.

/** A string (skipped whole, so nothing inside one is taken for a number) or a number, as JSON writes them. */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const KEY_TO_VALUE = /^\s*:\s*$/;

function isIdKey(quoted: string): boolean {
  const key = quoted.includes("\\") ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
  return key === "id" || key.endsWith("_id");
}

export function parseShopifyJson(text: string): unknown {
  let quoted = "";
  let copied = 0;
  let lastString: string | null = null;
  let lastStringEnd = -1;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    const token = match[0];
    if (token.charCodeAt(0) === 34 /* " */) {
      lastString = token;
      lastStringEnd = TOKEN.lastIndex;
      continue;
    }
    const value = Number(token);
    const isIdValue = lastString !== null && KEY_TO_VALUE.test(text.slice(lastStringEnd, match.index)) && isIdKey(lastString);
    if (isIdValue || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
      quoted += `${text.slice(copied, match.index)}"${token}"`;
      copied = TOKEN.lastIndex;
    }
  }
  return JSON.parse(copied === 0 ? text : quoted + text.slice(copied));
}

/** `gid://shopify/Order/123` from a numeric id kept as text, or the GID itself. */
export function toGid(resource: string, id: string | number): string {
  const text = String(id);
  if (text.startsWith(`gid://shopify/${resource}/`)) return text;
  if (!/^\d+$/.test(text)) throw new Error(`not a Shopify ${resource} id: ${text}`);
  return `gid://shopify/${resource}/${text}`;
}
