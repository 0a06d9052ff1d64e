-- Files of other servers fetched for the media proxy, cached in TRELLIS_MEDIA_CACHE_DIR.
CREATE TABLE remote_media (
    id BIGINT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL UNIQUE,
    cache_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL
);
CREATE INDEX remote_media_fetched_at ON remote_media (fetched_at);
