"""Top hotspots from a py-spy "raw" (collapsed stacks) profile.

    python -m benchmarks.hotspots PROFILE.raw [--top 15]

Prints, per thread, the functions with the most samples on top of the stack (self) and
the most samples anywhere in the stack (inclusive), with their share of that thread's
samples. Idle frames (waiting in epoll, on a queue or a lock) are counted apart so the
shares say where CPU time goes.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

IDLE = re.compile(
    r"\b(select|poll|epoll|_worker|wait|acquire|get|sleep|run_forever|_run_once)\b"
    r".*\((threading|selectors|concurrent/futures/thread|queue|asyncio/base_events)\.py"
)
_THREAD = re.compile(r"^(?:process \d+:\"[^\"]*\";)?thread \((\w+)\)(?::[^;]*)?;?")


@dataclass
class ThreadProfile:
    name: str
    total: int = 0
    idle: int = 0
    self_counts: Counter[str] = field(default_factory=Counter)
    inclusive: Counter[str] = field(default_factory=Counter)


def _thread_name(frames: list[str]) -> str:
    joined = ";".join(frames)
    if "_run_group" in joined or "sqlite-writer" in joined:
        return "sqlite writer"
    if "uvicorn" in joined or "asyncio" in joined or "uvloop" in joined:
        return "event loop"
    return "other"


def parse(path: Path) -> dict[str, ThreadProfile]:
    by_thread: dict[str, list[tuple[list[str], int]]] = defaultdict(list)
    for line in path.read_text("utf-8", "replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        match = _THREAD.match(stack)
        thread = match.group(1) if match else "?"
        rest = stack[match.end() :] if match else stack
        frames = [f for f in rest.split(";") if f]
        by_thread[thread].append((frames, int(count_text)))
    profiles: dict[str, ThreadProfile] = {}
    for stacks in by_thread.values():
        name = _thread_name([f for frames, _ in stacks for f in frames[:8]])
        profile = profiles.setdefault(name, ThreadProfile(name))
        for frames, count in stacks:
            profile.total += count
            if not frames or IDLE.search(frames[-1]):
                profile.idle += count
                continue
            profile.self_counts[_short(frames[-1])] += count
            for name_ in {_short(f) for f in frames}:
                profile.inclusive[name_] += count
    return profiles


def _short(frame: str) -> str:
    """'func (path/to/module.py:12)' → 'func (module.py:12)' minus the venv prefix."""
    match = re.match(r"^(.*) \((.*?)(?::(\d+))?\)$", frame)
    if not match:
        return frame
    func, file, line = match.groups()
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{func} ({file}:{line})" if line else f"{func} ({file})"


def report(profiles: dict[str, ThreadProfile], top: int) -> str:
    lines: list[str] = []
    for profile in sorted(profiles.values(), key=lambda p: -p.total):
        busy = profile.total - profile.idle
        if busy <= 0:
            continue
        lines.append(
            f"== {profile.name}: {profile.total} samples, {busy} busy "
            f"({100 * busy / max(profile.total, 1):.0f}%)"
        )
        lines.append("  self (share of busy samples):")
        for name, count in profile.self_counts.most_common(top):
            lines.append(f"    {100 * count / busy:5.1f}%  {name}")
        lines.append("  inclusive:")
        for name, count in profile.inclusive.most_common(top):
            lines.append(f"    {100 * count / busy:5.1f}%  {name}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    print(report(parse(args.profile), args.top))


if __name__ == "__main__":
    main()
