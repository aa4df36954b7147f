-- The customer's language, per appointment: its emails (confirmation, reschedule, cancellation,
-- reminders) are written in it. A booking stores the language it resolved (its `locale`, else
-- Accept-Language, else the business's defaultLocale); NULL on rows written before this column
-- reads as the business's current defaultLocale (booking-repo.ts), which is what they would get.
ALTER TABLE appointments ADD COLUMN locale VARCHAR(16) NULL;
