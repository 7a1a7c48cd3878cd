// The holdout group: a share of new customers kept out of the program so that its lift can be
// measured. Assignment is a pure function of the customer GID and the program's salt: the same
// customer always lands in the same group, on any server, with no state to store. Each customer
// gets a bucket 0-9999 from SHA-256 (uniform); the first `percent` x 100 buckets are held out, so
// raising the percentage only adds customers to the holdout and never moves one out of it.
import { createHash } from "node:crypto";

export const BUCKETS = 10_000;

/** The customer's bucket, 0 to 9,999, uniform over customers for a given salt. */
export function holdoutBucket(customerGid: string, salt: string): number {
  const digest = createHash("sha256").update(`${salt}\n${customerGid}`).digest();
  return Math.floor((digest.readUInt32BE(0) * BUCKETS) / 2 ** 32);
}

/** Whether the customer is kept out of the program at `holdoutPercent` (0-50, up to 2 decimals). */
export function isHeldOut(customerGid: string, salt: string, holdoutPercent: number): boolean {
  return holdoutBucket(customerGid, salt) < Math.round(holdoutPercent * 100);
}
