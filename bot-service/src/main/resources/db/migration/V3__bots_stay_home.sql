-- A bot belongs to its own project only: memberships a bot was given in other projects end here.
DELETE FROM members m USING bots b WHERE m.user_id = b.user_id AND m.project_id <> b.project_id;

-- Why a key stopped working, told to whoever presents it (a demoted bot's replica, say).
ALTER TABLE api_keys ADD COLUMN revoked_reason text;

-- And the database holds to it, whatever code writes the row.
CREATE FUNCTION bot_stays_home() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM bots b WHERE b.user_id = NEW.user_id AND b.project_id <> NEW.project_id) THEN
        RAISE EXCEPTION 'a bot is a member of its own project only' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER members_bot_stays_home BEFORE INSERT OR UPDATE ON members
    FOR EACH ROW EXECUTE FUNCTION bot_stays_home();
