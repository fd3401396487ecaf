"""File names from devices and attackers: what people see, and what packages and keys use."""

from __future__ import annotations

import pytest

from server.services.filenames import DISPLAY_MAX_BYTES, PAYLOAD_MAX_BYTES, display_name, payload_name
from storage.base import MAX_SEGMENT_BYTES, validate_key

LONG = "浙江省杭州市临安区青山村民宿开办申请材料之房屋产权证明及租赁合同扫描件" * 4  # 136 characters


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("营业执照.pdf", "营业执照.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\fakepath\\平面图.pdf", "平面图.pdf"),
        ("报\x7f告\x00.pdf", "报告.pdf"),
        ("\u202egpj.exe", "gpj.exe"),
        ("bom\ufeff 名\u200b字.pdf", "bom 名字.pdf"),
        ("a\tb\nc\u2028d.pdf", "a b c d.pdf"),
        ("broken \ud800 surrogate.pdf", "broken surrogate.pdf"),
        ("健康证\ufffd\ufffd\ufffd.jpg", "健康证.jpg"),  # a surrogate sent as bytes, decoded with replacement
        ("家庭\U0001f468\u200d\U0001f469.pdf", "家庭\U0001f468\u200d\U0001f469.pdf"),  # an emoji's joiner stays
        ("..", "fallback"),
        ("", "fallback"),
    ],
)
def test_display_names_lose_only_what_is_invisible_or_a_path(raw, shown):
    assert display_name(raw, "fallback") == shown


def test_long_names_are_cut_by_bytes_keeping_the_extension():
    name = display_name(LONG + ".pdf")
    assert name.endswith("….pdf")
    assert len(name.encode("utf-8")) <= DISPLAY_MAX_BYTES
    assert LONG.startswith(name[: -len("….pdf")])


@pytest.mark.parametrize(
    "name",
    [
        LONG + ".pdf",
        "x" * 1000,
        "报告" + "\x7f" * 3 + ".pdf",
        "\u202e" + LONG,
        'a<b>c:d"e|f?g*h.pdf',
        "sub/dir/f.pdf",
        "...",
        "名" * 300 + ".verylongextensionthatisnotone",
    ],
)
def test_payload_names_fit_every_backend(name):
    payload = payload_name(7, name)
    assert payload.startswith("007-")
    assert len(payload.encode("utf-8")) <= PAYLOAD_MAX_BYTES <= MAX_SEGMENT_BYTES
    validate_key(f"dossiers/{'0' * 32}/bag/data/{payload}")
    assert not set('<>:"|?*/\\') & set(payload[4:])


def test_payload_names_stay_unique_by_their_number():
    assert payload_name(1, LONG + ".pdf") != payload_name(2, LONG + ".pdf")
