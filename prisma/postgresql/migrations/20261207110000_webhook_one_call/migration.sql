-- A webhook delivery in one round trip (docs/decisions/0003-webhook-pipeline.md, "PostgreSQL in one
-- call"): check the body's GIDs against other shops, store the event under its webhook id, and apply
-- its effect with the event's mark, all inside the server. No row lock (the Customer upsert's above
-- all) is held while the database waits for the app, so deliveries for one customer queue for
-- microseconds, not for network round trips.
--
-- `statements` is the effect as the app recorded it (app/sync/store.server.ts): a JSON array of
-- [sql, parameter 1, parameter 2], each run with EXECUTE. If one fails, the effect is rolled back to
-- the savepoint of the inner block and the event stays stored as failed, with its body, for the
-- worker and Shopify to retry: nothing is dropped.
--
-- outcome: processed | ignored (applied now), duplicate (applied before), rejected, failed.
CREATE FUNCTION "comeback_receive_webhook"(
  p_shop TEXT,
  p_webhook_id TEXT,
  p_topic TEXT,
  p_api_version TEXT,
  p_triggered_at TIMESTAMP(3),
  p_now TIMESTAMP(3),
  p_body TEXT,
  p_rejection TEXT,
  p_gids JSONB,
  p_statements JSONB,
  p_outcome TEXT,
  p_retry_base_ms INTEGER,
  OUT event_id INTEGER,
  OUT outcome TEXT,
  OUT error TEXT
) LANGUAGE plpgsql AS $$
DECLARE
  foreign_gid TEXT;
  stored_status TEXT;
  stored_error TEXT;
  statement JSONB;
BEGIN
  -- Shopify's GIDs are global: one that another shop holds means a body signed for that shop.
  IF p_rejection IS NULL AND p_gids IS NOT NULL THEN
    SELECT foreign_rows."gid" INTO foreign_gid FROM (
      SELECT o."gid" FROM "Order" o
        WHERE o."gid" IN (SELECT jsonb_array_elements_text(p_gids -> 'Order')) AND o."shopDomain" <> p_shop
      UNION ALL
      SELECT c."gid" FROM "Customer" c
        WHERE c."gid" IN (SELECT jsonb_array_elements_text(p_gids -> 'Customer')) AND c."shopDomain" <> p_shop
      UNION ALL
      SELECT r."gid" FROM "Refund" r
        WHERE r."gid" IN (SELECT jsonb_array_elements_text(p_gids -> 'Refund')) AND r."shopDomain" <> p_shop
    ) AS foreign_rows LIMIT 1;
    IF foreign_gid IS NOT NULL THEN
      p_rejection := foreign_gid || ' belongs to another shop: the body was not sent for this one';
    END IF;
  END IF;

  INSERT INTO "WebhookEvent" ("shopDomain", "webhookId", "topic", "apiVersion", "triggeredAt", "receivedAt",
      "status", "attempts", "payload", "lastError")
    VALUES (p_shop, p_webhook_id, p_topic, p_api_version, p_triggered_at, p_now,
      CASE WHEN p_rejection IS NULL THEN 'received' ELSE 'rejected' END, 0, p_body, p_rejection)
    ON CONFLICT ("shopDomain", "webhookId") DO NOTHING
    RETURNING "id", "status", "lastError" INTO event_id, stored_status, stored_error;
  IF event_id IS NULL THEN
    SELECT e."id", e."status", e."lastError" INTO event_id, stored_status, stored_error
      FROM "WebhookEvent" e WHERE e."shopDomain" = p_shop AND e."webhookId" = p_webhook_id;
  END IF;

  IF p_rejection IS NOT NULL OR stored_status = 'rejected' THEN
    outcome := 'rejected';
    error := COALESCE(p_rejection, stored_error);
    RETURN;
  END IF;
  IF stored_status NOT IN ('received', 'failed') THEN
    outcome := 'duplicate';
    RETURN;
  END IF;

  BEGIN
    FOR statement IN SELECT value FROM jsonb_array_elements(p_statements) LOOP
      EXECUTE statement ->> 0 USING statement ->> 1, statement ->> 2;
    END LOOP;
    -- The body may hold personal data: dropped once applied.
    UPDATE "WebhookEvent" SET "status" = p_outcome, "processedAt" = p_now, "payload" = NULL, "lastError" = NULL,
        "leaseUntil" = NULL, "attempts" = "attempts" + 1
      WHERE "id" = event_id;
    outcome := p_outcome;
  EXCEPTION WHEN OTHERS THEN
    error := left(SQLERRM, 2000);
    -- leaseUntil doubles as the earliest next attempt: 1 s, 2 s, 4 s ... up to an hour (nextAttemptAt).
    UPDATE "WebhookEvent" SET "status" = 'failed', "lastError" = error, "attempts" = "attempts" + 1,
        "leaseUntil" = p_now + least(p_retry_base_ms * 2 ^ least("attempts", 30), 3600000) * INTERVAL '1 millisecond'
      WHERE "id" = event_id;
    outcome := 'failed';
  END;
END;
$$;
