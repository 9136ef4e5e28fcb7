-- A key is published before it signs: rotation sets when it starts signing.
ALTER TABLE signing_keys ADD COLUMN active_from timestamptz;
UPDATE signing_keys SET active_from = created_at;
ALTER TABLE signing_keys ALTER COLUMN active_from SET NOT NULL;
ALTER TABLE signing_keys DROP COLUMN retired_at;
