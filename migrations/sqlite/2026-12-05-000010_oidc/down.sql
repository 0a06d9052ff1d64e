DROP TABLE oidc_logins;
DROP TABLE oidc_identities;
