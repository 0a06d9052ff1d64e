ALTER TABLE deliveries DROP COLUMN dropped;
DROP TABLE domain_blocks;
DROP TABLE federation_peers;
