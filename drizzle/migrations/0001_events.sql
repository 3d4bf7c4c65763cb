ALTER TABLE "board_events" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "board_events" ADD COLUMN "step_id" text;--> statement-breakpoint
ALTER TABLE "board_updates" ADD COLUMN "commit_id" text;--> statement-breakpoint
CREATE INDEX "board_events_idea_idx" ON "board_events" USING btree ("idea_id","created_at");--> statement-breakpoint
CREATE INDEX "board_events_project_idx" ON "board_events" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "board_updates_commit_idx" ON "board_updates" USING btree ("commit_id");