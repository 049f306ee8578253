-- Intern the values of statement_index (agent keys, IRIs, registrations) as integers: the
-- index rows shrink and inserts get faster (a statement writes about ten of them). The
-- per-seq index goes too: a StatementRef's inherited rows are derived from the bodies.
CREATE TABLE index_values (
    id INTEGER PRIMARY KEY,
    value TEXT NOT NULL UNIQUE
);
INSERT INTO index_values (value) SELECT DISTINCT value FROM statement_index;
CREATE TABLE statement_index_interned (
    kind INTEGER NOT NULL,
    value_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (kind, value_id, seq)
) WITHOUT ROWID;
INSERT INTO statement_index_interned (kind, value_id, seq)
    SELECT i.kind, v.id, i.seq FROM statement_index i JOIN index_values v ON v.value = i.value;
DROP TABLE statement_index;
ALTER TABLE statement_index_interned RENAME TO statement_index;
