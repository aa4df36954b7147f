-- Intake questions: a service's questions (a JSON list, validated by src/domain/catalog/questions.ts)
-- and an appointment's answers, each stored with its question as it was asked, so that a later
-- change to the questions never changes an existing appointment's answers. NULL: none.
ALTER TABLE services ADD COLUMN questions LONGTEXT NULL;
ALTER TABLE appointments ADD COLUMN answers LONGTEXT NULL;
