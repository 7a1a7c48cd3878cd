// The customer page's manual points form, checked before anything is written. Errors are codes the
// page translates (customers.json adjust.errors.*), one per field.
import { MAX_POINTS } from "../loyalty/program";

export const MAX_REASON = 200;

export type AdjustmentError =
  | "pointsInvalid"
  | "pointsZero"
  | "pointsTooLarge"
  | "reasonMissing"
  | "reasonTooLong"
  | "requestMissing"
  // Decided when recording it:
  | "heldOut"
  | "noProgram"
  | "noStaff";

/** Per form field; "form" for what concerns the whole change. */
export type AdjustmentErrors = Partial<Record<"points" | "reason" | "requestId" | "form", AdjustmentError>>;

export type AdjustmentForm =
  { ok: true; points: number; reason: string; requestId: string } | { ok: false; errors: AdjustmentErrors };

export function parseAdjustment(fields: { points: unknown; reason: unknown; requestId: unknown }): AdjustmentForm {
  const errors: AdjustmentErrors = {};
  const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
  const pointsText = text(fields.points).replace(/^\+/, "");
  const points = Number(pointsText);
  if (!/^-?\d+$/.test(pointsText)) errors.points = "pointsInvalid";
  else if (points === 0) errors.points = "pointsZero";
  else if (Math.abs(points) > MAX_POINTS) errors.points = "pointsTooLarge";
  const reason = text(fields.reason);
  if (!reason) errors.reason = "reasonMissing";
  else if (reason.length > MAX_REASON) errors.reason = "reasonTooLong";
  const requestId = text(fields.requestId);
  if (!requestId) errors.requestId = "requestMissing";
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, points, reason, requestId };
}
