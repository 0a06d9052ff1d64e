-- Run once by the postgres image on its first start (empty data volume):
-- one database per Trellis instance of docker/compose.yml, owned by the "trellis" role.
CREATE DATABASE trellis_alpha OWNER trellis;
CREATE DATABASE trellis_beta OWNER trellis;
