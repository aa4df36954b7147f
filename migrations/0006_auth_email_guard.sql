-- Sign-in hardening (issue 14): one row per email that was ever sent a code. Its row lock
-- serialises code issuance and verification per email, so both per-email limits are exact in
-- MySQL whichever live-state store answers:
-- - at most 3 codes per rolling 10 minutes, counted in auth_codes inside the transaction that
--   inserts the code;
-- - at most 10 failed verifications per rolling 24 hours across codes: `failures` keeps the
--   instants (epoch ms, comma-separated, oldest first) of the latest ten, which is all the
--   rolling window needs.
CREATE TABLE auth_emails (
  email VARCHAR(320) NOT NULL,
  failures VARCHAR(200) NOT NULL DEFAULT '',
  PRIMARY KEY (email)
);
