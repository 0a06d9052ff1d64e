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

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
