-- A bot's credential for one service's replicas: the service it was issued for (the binding).
ALTER TABLE api_keys ADD COLUMN binding text;
CREATE INDEX api_keys_binding ON api_keys (binding) WHERE binding IS NOT NULL AND revoked_at IS NULL;
