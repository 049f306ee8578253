-- Issue 16, retention: the audit log is purged by age, oldest first.
CREATE INDEX audit_log_at ON audit_log (at);
