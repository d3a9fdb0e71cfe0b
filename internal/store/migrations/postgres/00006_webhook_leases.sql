-- +goose Up
-- See migrations/sqlite/00006_webhook_leases.sql.
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN msg_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE deliveries DROP COLUMN msg_id;
ALTER TABLE deliveries DROP COLUMN lease_until;
ALTER TABLE deliveries DROP COLUMN lease_owner;
