-- The audit log: every admin and moderator action, role change, provisioning and federation
-- policy change, appended and never changed.
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_account_id BIGINT,
    action TEXT NOT NULL,
    target TEXT,
    reason TEXT,
    address TEXT,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_account_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
