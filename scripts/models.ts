// npm run models -- fit FILE.csv --model bgnbd|pareto-nbd|gamma-gamma
// npm run models -- predict FILE.csv --model bgnbd|pareto-nbd|gamma-gamma [--horizon H]
// For analysts who want to check the purchase models on their own data, without a shop. FILE is a
// summary CSV `ID,frequency,recency,T[,monetary_value]` (app/metrics/models/summary-csv.ts).
// `fit` prints {"model","customers","params","logLikelihood","seconds"} as JSON; `predict` fits on
// the same file and prints CSV: ID,p_alive,expected_purchases over H time units of the file, or
// ID,expected_average_spend for gamma-gamma. Bad input: one line naming the line, exit status 1.
import { readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { toCsv } from "../app/metrics/csv";
import { expectedAverageSpend, fitGammaGamma } from "../app/metrics/models/gamma-gamma";
import { fitPurchaseModel, PURCHASE_MODELS } from "../app/metrics/models/purchase-models";
import { parseCustomerSummaries, SummaryFileError, type CustomerSummaries } from "../app/metrics/models/summary-csv";

const MODELS = [...PURCHASE_MODELS, "gamma-gamma"] as const;
type Model = (typeof MODELS)[number];
const usage = "usage: npm run models -- fit|predict FILE.csv --model bgnbd|pareto-nbd|gamma-gamma [--horizon H]";

function fail(message: string, status: number): never {
  console.error(message);
  process.exit(status);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { model: { type: "string" }, horizon: { type: "string" } } });
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`, 2);
}
const [command, file, ...extra] = parsed.positionals;
const model = parsed.values.model as Model | undefined;
if (!["fit", "predict"].includes(command) || !file || extra.length) fail(usage, 2);
if (!model || !MODELS.includes(model)) fail(`--model must be one of ${MODELS.join(", ")}\n${usage}`, 2);
const horizon = Number(parsed.values.horizon ?? 52);
if (!(horizon > 0 && Number.isFinite(horizon)))
  fail(`--horizon must be a positive number of the file's time units, got "${parsed.values.horizon}"`, 2);

let summaries: CustomerSummaries;
try {
  if (!statSync(file).isFile()) fail(`${file}: not a file`, 1);
  summaries = parseCustomerSummaries(readFileSync(file, "utf8"));
} catch (error) {
  if (error instanceof SummaryFileError) fail(`${file}: ${error.message}`, 1);
  fail(`${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`, 1);
}

/** Gamma-Gamma is fitted on the customers with repeat purchases, their mean spend as mbar. */
function spendData(data: CustomerSummaries) {
  if (!data.monetary) fail(`${file}: gamma-gamma needs the column monetary_value`, 1);
  const repeat = [...data.x.keys()].filter((i) => data.x[i] > 0);
  if (!repeat.length) fail(`${file}: gamma-gamma needs customers with repeat purchases`, 1);
  return { x: Float64Array.from(repeat, (i) => data.x[i]), mbar: Float64Array.from(repeat, (i) => data.monetary![i]) };
}

const started = performance.now();
const spend = model === "gamma-gamma" ? fitGammaGamma(spendData(summaries)) : null;
const purchases = model === "gamma-gamma" ? null : fitPurchaseModel(model, summaries);
const seconds = (performance.now() - started) / 1000;
const { logLikelihood, iterations, converged } = (spend ?? purchases)!;
const params = spend ? { p: spend.p, q: spend.q, gamma: spend.gamma } : purchases!.params;
if (!converged)
  console.error(`warning: the ${model} fit did not converge in ${iterations} iterations; the parameters are not reliable`);

if (command === "fit") {
  process.stdout.write(
    JSON.stringify({ model, customers: summaries.ids.length, params, logLikelihood, seconds, converged }) + "\n",
  );
} else {
  const rows = Array.from(summaries.ids, (id, i) => {
    const [x, tx, T] = [summaries.x[i], summaries.tx[i], summaries.T[i]];
    if (spend) return [id, x > 0 ? expectedAverageSpend(spend, x, summaries.monetary![i]).toFixed(6) : null];
    return [id, purchases!.probabilityAlive(x, tx, T).toFixed(6), purchases!.expectedPurchases(horizon, x, tx, T).toFixed(6)];
  });
  const header = spend ? ["ID", "expected_average_spend"] : ["ID", "p_alive", "expected_purchases"];
  // toCsv: the same quoting and formula neutralising as every export of the app; lines end in \n here, as the input's.
  process.stdout.write(toCsv(header, rows).replaceAll("\r\n", "\n"));
}
