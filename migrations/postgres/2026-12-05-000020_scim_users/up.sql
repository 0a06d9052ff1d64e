-- People provisioned by an identity provider through SCIM 2.0: the opaque SCIM id, the
-- userName and externalId the provider gave, and the resource as it was last written.
CREATE TABLE scim_users (
    id TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL UNIQUE,
    user_name TEXT NOT NULL,
    user_name_key TEXT NOT NULL UNIQUE,
    external_id TEXT,
    resource TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX scim_users_external_id ON scim_users (external_id);
