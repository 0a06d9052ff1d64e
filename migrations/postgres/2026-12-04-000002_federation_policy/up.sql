-- The organisation's peers allowed at run time (besides TRELLIS_FEDERATION_PEERS), and the
-- domains no activity is accepted from or sent to.
CREATE TABLE federation_peers (
    authority TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE domain_blocks (
    domain TEXT PRIMARY KEY NOT NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);

-- Deliveries dropped because their host may no longer be federated with.
ALTER TABLE deliveries ADD COLUMN dropped BOOLEAN NOT NULL DEFAULT FALSE;
