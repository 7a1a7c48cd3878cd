// The per-customer summary files analysts keep for purchase models (lifetimes' and Fader &
// Hardie's layout): `ID,frequency,recency,T[,monetary_value]`, frequency = repeat purchases,
// recency = time of the last purchase from the first, T = age, all in one time unit.

export interface CustomerSummaries {
  ids: string[];
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Mean value of the repeat purchases, when the file has the column (else null). */
  monetary: Float64Array | null;
}

export class SummaryFileError extends Error {
  override name = "SummaryFileError";
}

const REQUIRED = ["ID", "frequency", "recency", "T"] as const;

/** Parses the file's text; any line that is not a valid summary is an error naming its line number. */
export function parseCustomerSummaries(text: string): CustomerSummaries {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
  if (!lines.length)
    throw new SummaryFileError("line 1: the file is empty; expected the header ID,frequency,recency,T[,monetary_value]");
  const header = lines[0].split(",").map((name) => name.trim());
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (missing.length)
    throw new SummaryFileError(
      `line 1: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (have ${header.join(", ")})`,
    );
  const column = Object.fromEntries(header.map((name, i) => [name, i]));
  const hasMonetary = "monetary_value" in column;
  const count = lines.length - 1;
  const summaries: CustomerSummaries = {
    ids: new Array<string>(count),
    x: new Float64Array(count),
    tx: new Float64Array(count),
    T: new Float64Array(count),
    monetary: hasMonetary ? new Float64Array(count) : null,
  };
  for (let i = 0; i < count; i++) {
    const lineNumber = i + 2;
    const cells = lines[i + 1].split(",");
    if (cells.length !== header.length)
      throw new SummaryFileError(`line ${lineNumber}: ${cells.length} values, the header has ${header.length}`);
    const number = (name: string) => {
      const text = cells[column[name]].trim();
      const value = Number(text);
      if (text === "" || !Number.isFinite(value))
        throw new SummaryFileError(`line ${lineNumber}: ${name} is not a number: "${text}"`);
      if (value < 0) throw new SummaryFileError(`line ${lineNumber}: ${name} is negative: ${text}`);
      return value;
    };
    const id = cells[column.ID].trim();
    if (id === "") throw new SummaryFileError(`line ${lineNumber}: ID is empty`);
    const [x, tx, T] = [number("frequency"), number("recency"), number("T")];
    if (!Number.isInteger(x))
      throw new SummaryFileError(`line ${lineNumber}: frequency must be a whole number of repeat purchases, got ${x}`);
    if (tx > T) throw new SummaryFileError(`line ${lineNumber}: recency ${tx} is after T ${T}`);
    if (x === 0 && tx !== 0) throw new SummaryFileError(`line ${lineNumber}: recency must be 0 when frequency is 0, got ${tx}`);
    summaries.ids[i] = id;
    summaries.x[i] = x;
    summaries.tx[i] = tx;
    summaries.T[i] = T;
    if (summaries.monetary) {
      const value = number("monetary_value");
      if (x > 0 && value === 0)
        throw new SummaryFileError(`line ${lineNumber}: monetary_value must be above 0 for a customer with repeat purchases`);
      summaries.monetary[i] = value;
    }
  }
  return summaries;
}
