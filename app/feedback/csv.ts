// The answers as CSV: one row per order's answer, the free text as given (toCsv defuses
// spreadsheet formulas).
import { toCsv } from "../metrics/csv";
import { npsCategory } from "./scores";

export interface CsvAnswer {
  orderGid: string;
  customerGid: string;
  nps: number | null;
  csat: number | null;
  ces: number | null;
  comment: string | null;
  surface: string;
  firstAnsweredAt: Date;
  answeredAt: Date;
}

export function answersCsv(answers: readonly CsvAnswer[]): string {
  return toCsv(
    ["answered_at", "changed_at", "order", "customer", "nps", "nps_group", "csat", "ces", "surface", "comment"],
    answers.map((answer) => [
      answer.firstAnsweredAt.toISOString(),
      answer.answeredAt.getTime() === answer.firstAnsweredAt.getTime() ? null : answer.answeredAt.toISOString(),
      answer.orderGid,
      answer.customerGid,
      answer.nps,
      answer.nps === null ? null : npsCategory(answer.nps),
      answer.csat,
      answer.ces,
      answer.surface,
      answer.comment,
    ]),
  );
}
