/** How long a claimed piece of background work stays with the instance that claimed it. */
export function leaseMs(): number {
  return Number(process.env.COMEBACK_LEASE_MS || 5 * 60_000);
}

/** Rows nobody holds: never claimed, or their lease (or retry delay) has run out. */
export const claimable = (now: Date) => ({ OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] });
