// Imports a Bulk Operation JSONL file for a shop: the operator's `npm run import` and the demo seed.
import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";
import db from "../platform/db/client.server";
import { errorLine, failImport, importJsonl } from "./history-import.server";

export async function importFile(
  shopDomain: string,
  file: string,
  options: { timezone?: string; currency?: string; onProgress?: (lines: number) => void } = {},
) {
  // A file the import cannot read at all records nothing.
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new Error(`no such file: ${file}`);
  }
  if (!isFile) throw new Error(`not a file: ${file}`);
  if (options.timezone) new Intl.DateTimeFormat("en", { timeZone: options.timezone }); // throws on an unknown zone
  await db.shop.upsert({
    where: { domain: shopDomain },
    create: {
      domain: shopDomain,
      ...(options.timezone && { timezone: options.timezone }),
      ...(options.currency && { currency: options.currency }),
    },
    update: { ...(options.timezone && { timezone: options.timezone }), ...(options.currency && { currency: options.currency }) },
  });
  // The same file again resumes an unfinished import of it instead of starting over.
  const fileName = basename(file);
  const unfinished = await db.historyImport.findFirst({
    where: { shopDomain, source: "file", fileName, status: { in: ["created", "importing"] } },
    orderBy: { startedAt: "desc" },
  });
  const job =
    unfinished ?? (await db.historyImport.create({ data: { shopDomain, source: "file", fileName, status: "importing" } }));
  try {
    return await importJsonl(job.id, createReadStream(file), options.onProgress);
  } catch (error) {
    // No worker resumes a file import: one that cannot go on is failed, never left "importing"
    // under a lease (running the file again starts over and converges on the same rows).
    return failImport(job.id, errorLine(error));
  }
}
