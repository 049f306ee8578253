-- Keys the service makes for itself, once per database, so that every instance shares
-- them (issue 14): "learner-credentials" signs per-learner credentials, which a launch
-- no longer stores (decision 0006). learner_credentials keeps the credentials issued
-- before, until they expire.
CREATE TABLE service_keys (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,               -- hex
    created_at BIGINT NOT NULL
);
