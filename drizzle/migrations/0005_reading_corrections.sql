CREATE TABLE "reading_corrections" (
	"facility_id" text NOT NULL,
	"surface" text NOT NULL,
	"reading" text NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reading_corrections_facility_id_surface_pk" PRIMARY KEY("facility_id","surface")
);
--> statement-breakpoint
ALTER TABLE "reading_corrections" ADD CONSTRAINT "reading_corrections_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE no action ON UPDATE no action;