DROP TABLE status_idempotency;
