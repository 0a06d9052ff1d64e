-- Authorized fetch finds the signer of a GET by its key id (many servers' key ids are not
-- ACTOR#fragment, so the actor cannot be read off the key id).
CREATE INDEX accounts_public_key_id ON accounts (public_key_id);
