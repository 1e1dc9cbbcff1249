-- AlterTable: when the session's holder last proved they hold the phone (sign-in or
-- reauthenticate; never a refresh). Sessions from before this column count as not recent.
ALTER TABLE "sessions" ADD COLUMN "authenticated_at" TIMESTAMPTZ(3);
