import { env } from "../env.server";

/** How long a claimed piece of background work stays with the instance that claimed it. */
export function leaseMs(): number {
  return env.COMEBACK_LEASE_MS;
}

/** Rows nobody holds: never claimed, or their lease (or retry delay) has run out. */
export const claimable = (now: Date) => ({ OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] });
