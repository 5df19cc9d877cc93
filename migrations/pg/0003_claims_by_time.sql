ALTER TABLE "claims" DROP CONSTRAINT "claims_label_scheduled_for_pk";--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_scheduled_for_label_pk" PRIMARY KEY("scheduled_for","label");