-- CreateTable: the transactional outbox of lifecycle events for the app's backend
-- (WEBHOOK_URL). An event is inserted by the same transaction as the change it reports
-- and delivered by a background dispatcher. No foreign key to users on purpose: the
-- user.deleted event must outlive its user.
CREATE TABLE "webhook_events" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "user_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(3),
    "lease_token" UUID,
    "delivered_at" TIMESTAMPTZ(3),
    "last_error" TEXT,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex: each user's oldest pending event is found by (user_id, seq).
CREATE INDEX "webhook_events_pending_user_seq_idx" ON "webhook_events"("user_id", "seq") WHERE "status" = 'pending';

-- CreateIndex: pruning delivered events.
CREATE INDEX "webhook_events_status_delivered_at_idx" ON "webhook_events"("status", "delivered_at");
