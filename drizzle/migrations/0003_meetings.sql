ALTER TABLE "meetings" ADD COLUMN "closed_by" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "attendance" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "meetings_one_open_per_board_idx" ON "meetings" USING btree ("board_id") WHERE "meetings"."closed_at" is null;