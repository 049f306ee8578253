"""The bridge's part of forgetting statements (GDPR art. 17): which forwarding targets
already received some of them (the operator passes the request on to them), and the
outbox and rejection rows that still point at them.

A target received a statement when the statement was stored after the target was added,
passes the target's filters, did not come from the target itself, and is neither waiting
in its outbox nor among the statements it refused. (A target removed since is not known
any more: the README says so.)
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from lrs_bridge.bridge.storage import TARGET_COLUMNS, target_of
from statements.prepare import IndexKind, index_keys
from statements.storage.forget import Fetch, chunks
from statements.storage.port import Dialect, Row, Tx, in_list

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


async def received_by(fetch: Fetch, dialect: Dialect, rows: Sequence[Row]) -> list[str]:
    """Names of the targets that received any of these statements (rows of
    ``statements.storage.forget.STATEMENT_COLUMNS``)."""
    if not rows:
        return []
    targets = [
        target_of(row) for row in await fetch(f"SELECT {TARGET_COLUMNS} FROM bridge_targets")
    ]
    names: list[str] = []
    seqs = [int(row[0]) for row in rows]
    for target in targets:
        waiting: set[int] = set()
        for chunk in chunks(seqs):
            condition, params = in_list(dialect, "seq", chunk)
            for table in ("bridge_outbox", "bridge_rejected"):
                waiting.update(
                    int(found[0])
                    for found in await fetch(
                        f"SELECT seq FROM {table} WHERE target = ? AND {condition}",
                        target.name,
                        *params,
                    )
                )
        for seq, _sid, stored, _voided, _att, credential, source, verb, _ref, body in rows:
            if seq in waiting or stored < target.created_at or source == target.name:
                continue
            if target.peer_credential is not None and credential == target.peer_credential:
                continue
            filters = target.filters
            if verb != VOIDED:
                if filters.verb is not None and verb != filters.verb:
                    continue
                if filters.activity is not None:
                    kind = (
                        IndexKind.ACTIVITY_RELATED
                        if filters.related_activities
                        else IndexKind.ACTIVITY
                    )
                    if (kind, filters.activity) not in index_keys(orjson.loads(bytes(body))):
                        continue
            names.append(target.name)
            break
    return names


async def forget_forwarding(tx: Tx, seqs: Sequence[int], deleted: Sequence[int]) -> int:
    """Remove the rejection rows of these statements (a target's message may quote them)
    and the outbox rows of those ``deleted`` (pseudonymised ones are still sent, as they
    are now)."""
    removed = 0
    for chunk in chunks(sorted(seqs)):
        condition, params = in_list(tx.dialect, "seq", chunk)
        removed += await tx.execute(f"DELETE FROM bridge_rejected WHERE {condition}", *params)
    for chunk in chunks(sorted(deleted)):
        condition, params = in_list(tx.dialect, "seq", chunk)
        removed += await tx.execute(f"DELETE FROM bridge_outbox WHERE {condition}", *params)
    return removed
