"""档号 schemes (DA/T 22): the default, the numbering group each scheme implies, and schemes refused."""

from __future__ import annotations

import pytest

from server.config import DEFAULT_ARCHIVAL_CODE_SCHEME
from server.errors import InvalidInput
from server.services.archive.numbering import CodeParts, code_group, format_code

WLJ = CodeParts(fonds="0001", category="WS", year=2026, retention="30y", org_code="WLJ")
GAJ = CodeParts(fonds="0001", category="WS", year=2026, retention="30y", org_code="GAJ")


def test_the_default_scheme_is_da_t_22_with_the_category_code():
    assert format_code(DEFAULT_ARCHIVAL_CODE_SCHEME, WLJ, 1) == "0001-WS·2026-D30-WLJ-0001"
    permanent = CodeParts(fonds="0001", category="WS", year=2026, retention="permanent", org_code="WLJ")
    assert format_code(DEFAULT_ARCHIVAL_CODE_SCHEME, permanent, 12) == "0001-WS·2026-Y-WLJ-0012"


def test_a_group_holds_exactly_the_parts_the_scheme_prints():
    assert code_group(DEFAULT_ARCHIVAL_CODE_SCHEME, WLJ) != code_group(DEFAULT_ARCHIVAL_CODE_SCHEME, GAJ)
    without_org = "{fonds}-WS·{year}-{retention}-{number:04d}"
    assert code_group(without_org, WLJ) == code_group(without_org, GAJ) == "fonds=0001;retention=30y;year=2026"
    by_year = "{fonds}·{year}·{number}"
    older = CodeParts(fonds="0001", category="WS", year=2025, retention="10y", org_code="GAJ")
    assert code_group(by_year, WLJ) == code_group(by_year, GAJ) != code_group(by_year, older)


def test_the_group_of_the_old_default_matches_the_migration():
    """Migration 0014 gives every earlier code this group, so their numbers continue without a gap."""
    old = "{fonds}-{year}-{retention}-{org}-{number:05d}"
    assert code_group(old, WLJ) == "fonds=0001;org=WLJ;retention=30y;year=2026"


@pytest.mark.parametrize("scheme", ["{fonds}-{year}", "{fonds}-{dept}-{number}", "{fonds-{number}"])
def test_a_scheme_without_a_number_or_with_unknown_fields_is_refused(scheme):
    with pytest.raises(InvalidInput):
        code_group(scheme, WLJ)
