"""moveOn (cmi5 spec 13.1.4): when an AU, a block and the course are satisfied. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from lrs_bridge.cmi5.structure import Structure


@dataclass(frozen=True, slots=True)
class AuStatus:
    """What a registration's AU has shown: a completed and a passed statement of one of its
    sessions (from the session's own credential), or a waiver by an administrator."""

    completed: bool = False
    passed: bool = False
    waived: bool = False


def au_satisfied(move_on: str, status: AuStatus) -> bool:
    """An AU's moveOn met: ``Passed`` needs passed, ``Completed`` completed,
    ``CompletedAndPassed`` both, ``CompletedOrPassed`` either; ``NotApplicable`` always. A
    waived AU is satisfied whatever its moveOn (spec 9.3.7)."""
    if status.waived or move_on == "NotApplicable":
        return True
    if move_on == "Passed":
        return status.passed
    if move_on == "Completed":
        return status.completed
    if move_on == "CompletedAndPassed":
        return status.completed and status.passed
    if move_on == "CompletedOrPassed":
        return status.completed or status.passed
    raise ValueError(f"unknown moveOn {move_on!r}")


def satisfied(structure: Structure, statuses: dict[int, AuStatus]) -> tuple[set[int], bool]:
    """The blocks (indexes) all of whose AUs are satisfied, and whether every AU of the
    course is (the course is satisfied)."""
    done = {
        au.index
        for au in structure.aus
        if au_satisfied(au.move_on, statuses.get(au.index, AuStatus()))
    }
    blocks = set()
    for block in structure.blocks:
        members = [au.index for au in structure.aus if block.index in au.parents]
        if members and all(index in done for index in members):
            blocks.add(block.index)
    return blocks, len(done) == len(structure.aus)
