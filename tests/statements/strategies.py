"""Hypothesis strategies for valid xAPI statements (Data 2.4), 1.0.3 and 2.0.0.

Everything generated here must pass validation; ``test_validation.py`` checks that, then
uses the statements for round-trip and mutation properties. Context activities are always
arrays (a single object is returned as an array, Data 2.4.6.2, so it would not round-trip).
"""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from statements.models import VERSION_2

Json = dict[str, Any]

_HOSTS = st.sampled_from(["valmyndigheten.se", "skr.se", "lansstyrelsen.se", "kommun.se"])
_PATH_CHARS = string.ascii_letters + string.digits + "-._~/åäöÅÄÖ"
_SEGMENT = st.text(alphabet=_PATH_CHARS, max_size=12)

iris = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["http", "https"]),
    _HOSTS,
    _SEGMENT,
) | st.builds(
    lambda tail: f"urn:x-lrs-bridge:{tail}", st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)
)
uuids = st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper())
texts = st.text(max_size=20)
language_tags = st.sampled_from(
    ["sv", "sv-SE", "en", "en-US", "fi", "se", "fr-CA", "zh-Hant-TW", "es-419", "de-CH-1901", "und"]
)
language_maps = st.dictionaries(language_tags, texts, min_size=1, max_size=3)
emails = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,10}@[a-z]{1,8}\.(se|nu|org)", fullmatch=True)
sha1s = st.text(alphabet="0123456789abcdef", min_size=40, max_size=40)
sha256s = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
extensions = st.dictionaries(iris, json_values, min_size=1, max_size=3)


def _optional(base: Json, **options: st.SearchStrategy[Any]) -> st.SearchStrategy[Json]:
    """``base`` plus any subset of ``options`` (property → strategy), in a fixed order."""

    @st.composite
    def build(draw: st.DrawFn) -> Json:
        out = dict(base)
        for key, strategy in options.items():
            if draw(st.booleans()):
                out[key] = draw(strategy)
        return out

    return build()


@st.composite
def _ifi(draw: st.DrawFn) -> Json:
    kind = draw(st.sampled_from(["mbox", "mbox_sha1sum", "openid", "account"]))
    if kind == "mbox":
        return {"mbox": "mailto:" + draw(emails)}
    if kind == "mbox_sha1sum":
        return {"mbox_sha1sum": draw(sha1s)}
    if kind == "openid":
        return {"openid": draw(iris)}
    return {"account": {"homePage": draw(iris), "name": draw(st.text(min_size=1, max_size=12))}}


@st.composite
def agents(draw: st.DrawFn, object_type: bool | None = None) -> Json:
    out: Json = {}
    if object_type or (object_type is None and draw(st.booleans())):
        out["objectType"] = "Agent"
    if draw(st.booleans()):
        out["name"] = draw(texts)
    out.update(draw(_ifi()))
    return out


@st.composite
def groups(draw: st.DrawFn, anonymous: bool | None = None) -> Json:
    out: Json = {"objectType": "Group"}
    if draw(st.booleans()):
        out["name"] = draw(texts)
    identified = not anonymous if anonymous is not None else draw(st.booleans())
    if identified:
        out.update(draw(_ifi()))
        if draw(st.booleans()):
            out["member"] = draw(st.lists(agents(), max_size=3))
    else:
        out["member"] = draw(st.lists(agents(), min_size=1, max_size=3))
    return out


actors = agents() | groups()
verbs = st.builds(lambda i: {"id": i}, iris).flatmap(lambda v: _optional(v, display=language_maps))

_COMPONENT_LISTS = {
    "choice": ("choices",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "matching": ("source", "target"),
    "performance": ("steps",),
}


@st.composite
def _components(draw: st.DrawFn) -> list[Json]:
    ids = draw(st.lists(st.from_regex(r"[a-z0-9_]{1,6}", fullmatch=True), unique=True, max_size=4))
    out = []
    for component_id in ids:
        component: Json = {"id": component_id}
        if draw(st.booleans()):
            component["description"] = draw(language_maps)
        out.append(component)
    return out


@st.composite
def definitions(draw: st.DrawFn) -> Json:
    out = draw(
        _optional(
            {},
            name=language_maps,
            description=language_maps,
            type=iris,
            moreInfo=iris,
            extensions=extensions,
        )
    )
    if draw(st.booleans()):
        kind = draw(
            st.sampled_from(
                [
                    "true-false",
                    "choice",
                    "fill-in",
                    "long-fill-in",
                    "matching",
                    "performance",
                    "sequencing",
                    "likert",
                    "numeric",
                    "other",
                ]
            )
        )
        out["interactionType"] = kind
        if draw(st.booleans()):
            out["correctResponsesPattern"] = draw(st.lists(texts, max_size=3))
        for key in _COMPONENT_LISTS.get(kind, ()):
            if draw(st.booleans()):
                out[key] = draw(_components())
    return out


@st.composite
def activities(draw: st.DrawFn, object_type: bool | None = None) -> Json:
    out: Json = {}
    if object_type or (object_type is None and draw(st.booleans())):
        out["objectType"] = "Activity"
    out["id"] = draw(iris)
    if draw(st.booleans()):
        out["definition"] = draw(definitions())
    return out


statement_refs = st.builds(lambda i: {"objectType": "StatementRef", "id": i}, uuids)

_DURATION = st.one_of(
    st.builds(lambda w: f"P{w}W", st.integers(0, 52)),
    st.builds(
        lambda y, d, h, m, s: (
            "P" + y + d + ("T" + h + m + s if h or m or s else "")
            if y or d or h or m or s
            else "PT0S"
        ),
        st.sampled_from(["", "1Y", "2Y"]),
        st.sampled_from(["", "3D", "29D"]),
        st.sampled_from(["", "4H"]),
        st.sampled_from(["", "35M"]),
        st.sampled_from(["", "59S", "59.14S", "0.5S"]),
    ),
)


@st.composite
def scores(draw: st.DrawFn) -> Json:
    out: Json = {}
    finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
    if draw(st.booleans()):
        out["scaled"] = draw(st.floats(min_value=-1, max_value=1) | st.sampled_from([-1, 0, 1]))
    low = high = None
    if draw(st.booleans()):
        low = draw(finite)
        out["min"] = low
    if draw(st.booleans()):
        high = draw(finite.filter(lambda x: low is None or x > low))
        out["max"] = high
    if draw(st.booleans()):
        lower = low if low is not None else -1e6
        upper = high if high is not None else 1e6
        if lower <= upper:
            out["raw"] = draw(st.floats(min_value=lower, max_value=upper) | st.just(lower))
    return out


results = _optional(
    {},
    score=scores(),
    success=st.booleans(),
    completion=st.booleans(),
    response=texts,
    duration=_DURATION,
    extensions=extensions,
)


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    moment = draw(
        st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 12, 31))
    ).replace(tzinfo=UTC)
    offset_minutes = draw(st.sampled_from([0, 60, 120, -300, 330]))
    zone = timezone(timedelta(minutes=offset_minutes))
    local = moment.astimezone(zone)
    digits = draw(st.sampled_from([0, 3, 6]))
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{local.microsecond:06d}"[:digits]
    if offset_minutes == 0 and draw(st.booleans()):
        return text + "Z"
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


@st.composite
def contexts(draw: st.DrawFn, object_is_activity: bool, version: str) -> Json:
    activity_lists = st.lists(activities(), min_size=1, max_size=2)
    options: dict[str, st.SearchStrategy[Any]] = {
        "registration": uuids,
        "instructor": actors,
        "team": groups(),
        "contextActivities": _optional(
            {},
            parent=activity_lists,
            grouping=activity_lists,
            category=activity_lists,
            other=activity_lists,
        ),
        "language": language_tags,
        "statement": statement_refs,
        "extensions": extensions,
    }
    if object_is_activity:
        options["revision"] = texts
        options["platform"] = texts
    if version == VERSION_2:
        options["contextAgents"] = st.lists(
            st.builds(lambda a: {"objectType": "contextAgent", "agent": a}, agents()).flatmap(
                lambda c: _optional(c, relevantTypes=st.lists(iris, min_size=1, max_size=2))
            ),
            min_size=1,
            max_size=2,
        )
        options["contextGroups"] = st.lists(
            st.builds(lambda g: {"objectType": "contextGroup", "group": g}, groups()).flatmap(
                lambda c: _optional(c, relevantTypes=st.lists(iris, min_size=1, max_size=2))
            ),
            min_size=1,
            max_size=2,
        )
    return draw(_optional({}, **options))


attachments = st.lists(
    st.builds(
        lambda usage, display, content_type, length, sha2, url: {
            "usageType": usage,
            "display": display,
            "contentType": content_type,
            "length": length,
            "sha2": sha2,
            "fileUrl": url,
        },
        iris,
        language_maps,
        st.sampled_from(["application/pdf", "image/png", "text/plain; charset=utf-8"]),
        st.integers(0, 10**9),
        sha256s,
        iris,
    ),
    min_size=1,
    max_size=2,
)


@st.composite
def _statement_core(draw: st.DrawFn, version: str, sub: bool) -> Json:
    out: Json = {"actor": draw(actors), "verb": draw(verbs)}
    kinds = ["Activity", "Agent", "Group", "StatementRef"] + ([] if sub else ["SubStatement"])
    kind = draw(st.sampled_from(kinds))
    if kind == "Activity":
        out["object"] = draw(activities())
    elif kind == "Agent":
        out["object"] = draw(agents(object_type=True))
    elif kind == "Group":
        out["object"] = draw(groups())
    elif kind == "StatementRef":
        out["object"] = draw(statement_refs)
    else:
        out["object"] = {"objectType": "SubStatement", **draw(_statement_core(version, True))}
    if draw(st.booleans()):
        out["result"] = draw(results)
    if draw(st.booleans()):
        out["context"] = draw(contexts(kind == "Activity", version))
    if draw(st.booleans()):
        out["timestamp"] = draw(timestamps())
    if not sub and draw(st.booleans()):
        out["attachments"] = draw(attachments)
    return out


@st.composite
def statements(draw: st.DrawFn, version: str) -> Json:
    """A valid statement for ``version``, keys in a random order as clients send them."""
    body = draw(_statement_core(version, False))
    if draw(st.booleans()):
        body["version"] = (
            "2.0.0" if version == VERSION_2 else draw(st.sampled_from(["1.0.0", "1.0.3"]))
        )
    keys = draw(st.permutations(list(body)))
    return {key: body[key] for key in keys}
