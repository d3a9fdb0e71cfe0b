-- +goose Up
-- A delivery is claimed by one deliverer at a time: lease_owner names the
-- claiming process (random per Deliverer) and lease_until (RFC 3339, UTC,
-- fixed width) is when the claim lapses, so two concurrent 'update' runs
-- or an update beside 'watch' send each notice once.
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
-- msg_id is the Standard Webhooks "webhook-id" of the delivery: set at its
-- first claim and the same on every retry.
ALTER TABLE deliveries ADD COLUMN msg_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE deliveries DROP COLUMN msg_id;
ALTER TABLE deliveries DROP COLUMN lease_until;
ALTER TABLE deliveries DROP COLUMN lease_owner;
