"""Personal data over its whole life (issue 16): the register extract of one person, their
erasure, and the retention purge. Each package keeps the SQL of its own tables
(``statements.storage.forget``, ``reports.forget``, ``lrs_bridge.people.forget``,
``lrs_bridge.bridge.forget``); this package puts them together in one transaction."""
