// Which arm a customer entering a campaign lands in: a pure function of the campaign's salt and the
// customer's GID, so a retried job, a restarted instance or another instance all put the same
// customer in the same arm, with nothing to store before the member row itself.
//
// The bucket is the loyalty holdout's (app/loyalty/holdout.ts): the first 4 bytes of
// SHA-256(salt + "\n" + customer GID) as an unsigned integer, scaled to 0-9,999. Buckets below
// controlPercent x 100 are the control group; the rest are split into equal consecutive ranges,
// one per offer arm, in the arms' order.
import { BUCKETS, holdoutBucket } from "../loyalty/holdout";
import { CONTROL } from "./offers";

export { CONTROL };

export function assignArm(customerGid: string, salt: string, controlPercent: number, armIds: readonly string[]): string {
  const bucket = holdoutBucket(customerGid, salt);
  const controlBuckets = Math.round(controlPercent * 100);
  if (bucket < controlBuckets || armIds.length === 0) return CONTROL;
  return armIds[Math.floor(((bucket - controlBuckets) * armIds.length) / (BUCKETS - controlBuckets))];
}
