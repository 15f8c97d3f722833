ALTER TABLE api_tokens DROP COLUMN IF EXISTS expires_at;
