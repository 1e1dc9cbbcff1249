-- AlterTable: an account whose number was released (DORMANT_ACCOUNT_DAYS: the carrier
-- gave the number to someone else) keeps its id and data but holds no number. The
-- unique index stays: PostgreSQL lets any number of rows hold NULL.
ALTER TABLE "users" ALTER COLUMN "phone" DROP NOT NULL;

-- CreateIndex: the last activity of an account (dormancy) is read from its sessions.
CREATE INDEX "sessions_user_id_last_used_at_idx" ON "sessions"("user_id", "last_used_at" DESC);
