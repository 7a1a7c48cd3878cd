/** How long a claimed piece of background work stays with the instance that claimed it. */
export function leaseMs(): number {
  return Number(process.env.COMEBACK_LEASE_MS || 5 * 60_000);
}
