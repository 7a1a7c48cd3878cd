import db from "../platform/db/client.server";

/** Liveness and database reachability, for load balancers and the test harness. */
export const loader = async () => {
  await db.shop.count();
  return new Response("ok", { headers: { "Content-Type": "text/plain" } });
};
