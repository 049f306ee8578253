"""The JSON depth limit, around the byte count that lets most bodies skip the walk."""

from __future__ import annotations

import orjson
import pytest

from lrs_bridge.http.body import MAX_JSON_DEPTH, check_depth
from statements.errors import BadRequest


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("with_source", [True, False])
def test_the_limit_itself_passes_and_one_more_level_is_refused(with_source: bool) -> None:
    deepest = nested(MAX_JSON_DEPTH)
    check_depth(orjson.loads(deepest), deepest if with_source else None)
    too_deep = b'{"a":' + nested(MAX_JSON_DEPTH) + b"}"
    with pytest.raises(BadRequest) as caught:
        check_depth(orjson.loads(too_deep), too_deep if with_source else None)
    assert caught.value.details[0]["rule"] == "max_depth"
    assert caught.value.details[0]["path"] == "$.a" + "[0]" * (MAX_JSON_DEPTH - 1)


def test_many_shallow_brackets_are_walked_and_pass() -> None:
    # More brackets than the limit, so the byte count cannot vouch for the body; it is
    # walked and passes, since it is only three levels deep.
    wide = orjson.dumps({"list": [[i] for i in range(10 * MAX_JSON_DEPTH)]})
    assert wide.count(b"[") > MAX_JSON_DEPTH
    check_depth(orjson.loads(wide), wide)


def test_brackets_inside_strings_do_not_hide_depth() -> None:
    # Brackets in strings make the count larger, never smaller: a deep body is still found.
    deep = orjson.dumps({"s": "[[[{{{", "v": orjson.loads(nested(MAX_JSON_DEPTH + 5))})
    with pytest.raises(BadRequest):
        check_depth(orjson.loads(deep), deep)
