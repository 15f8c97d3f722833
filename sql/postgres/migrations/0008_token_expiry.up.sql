-- Tokens may carry an expiry (POST /api/v1/tokens expiresAt); null: never expires, as before.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
