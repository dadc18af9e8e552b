"""Message sets as ranges, split into sets short enough for one command line each."""

from __future__ import annotations

import random

import pytest

from connectors.messaging.message_sets import SET_BUDGET, compress, expand, message_sets, ranges


@pytest.mark.parametrize(("ids", "text"), [
    ([], ""),
    ([7], "7"),
    ([1, 2, 3], "1:3"),
    ([3, 1, 2, 2], "1:3"),
    ([1, 2, 3, 5, 7, 8], "1:3,5,7:8"),
    ([10, 12, 14], "10,12,14"),
    ([4294967294, 4294967295], "4294967294:4294967295"),
])
def test_compress_writes_runs_as_ranges(ids: list[int], text: str) -> None:
    assert compress(ids) == text
    assert expand(text, limit=10) == sorted(set(ids))


def test_ranges_refuse_what_is_not_a_message_number() -> None:
    with pytest.raises(ValueError):
        ranges([0, 1])


def test_a_contiguous_folder_is_one_short_range() -> None:
    assert list(message_sets(range(1, 1_000_001))) == ["1:1000000"]


def test_long_sets_are_split_under_the_budget_and_cover_every_id_once() -> None:
    rng = random.Random(7)
    ids = sorted(rng.sample(range(1, 2_000_000), 50_000))  # scattered: ranges alone cannot make it short
    sets = list(message_sets(ids))
    assert len(sets) > 1
    assert all(0 < len(s) <= SET_BUDGET for s in sets)
    covered = [n for s in sets for n in expand(s, limit=len(ids))]
    assert covered == ids  # ascending, none lost, none twice
    assert all(s[0].isdigit() and s[-1].isdigit() for s in sets)  # no stray commas at the cut


def test_small_budget_still_fits_each_run() -> None:
    ids = [1, 3, 5, 7, 9, 11, 100, 101, 102]
    sets = list(message_sets(ids, budget=24))
    assert all(len(s) <= 24 for s in sets)
    assert [n for s in sets for n in expand(s, limit=100)] == ids
    with pytest.raises(ValueError):
        list(message_sets(ids, budget=5))


def test_expand_never_trusts_a_huge_range_from_a_server() -> None:
    with pytest.raises(ValueError):
        expand("1:4294967295", limit=1000)
    with pytest.raises(ValueError):
        expand("0:3", limit=1000)
    assert expand("5:3,1", limit=4) == [1, 3, 4, 5]
