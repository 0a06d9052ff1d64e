DROP INDEX accounts_public_key_id;
