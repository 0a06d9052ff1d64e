DROP TABLE scim_users;
