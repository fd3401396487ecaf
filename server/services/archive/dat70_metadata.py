"""DA/T 70 metadata items (ZS-02 … ZS-08, WZ-04) over a package's metadata, by DA/T 46 element name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...models import RETENTION_LABELS
from ...vocabulary import Openness, Secrecy

if TYPE_CHECKING:
    from .dat70 import Report


# DA/T 22's 永久/30年/10年 and DA/T 46's 永久/定期30年/定期10年.
RETENTION_VALUES = frozenset(RETENTION_LABELS.values()) | {"定期30年", "定期10年"}


@dataclass(frozen=True)
class Rule:
    max_length: int
    kind: str = "text"  # text, code, int, year, datetime
    domain: frozenset[str] | None = None
    required: bool = False


RULES: dict[str, Rule] = {
    "档号": Rule(128, "text", required=True),
    "题名": Rule(500, "text", required=True),
    "全宗号": Rule(16, "code", required=True),
    "年度": Rule(4, "year", required=True),
    "保管期限": Rule(8, domain=RETENTION_VALUES, required=True),
    "件号": Rule(8, "int", required=True),
    "机构代码": Rule(32, "code"),
    "责任者": Rule(200, required=True),
    "日期": Rule(40, "datetime", required=True),
    "申请时间": Rule(40, "datetime"),
    "受理时间": Rule(40, "datetime"),
    "办结时间": Rule(40, "datetime"),
    "归档时间": Rule(40, "datetime"),
    "密级": Rule(8, domain=frozenset(s.label for s in Secrecy)),
    "开放状态": Rule(8, domain=frozenset(o.label for o in Openness)),
    "事项编码": Rule(64, "code"),
}
CODE_CHARS = re.compile(r"[0-9A-Za-z]+(?:[-·.][0-9A-Za-z]+)*")
ARCHIVAL_CODE = re.compile(r"[0-9A-Za-z]+(?:[-·][0-9A-Za-z]+)+")
# Control characters, the replacement character, zero-width and bidirectional marks, private use.
# Zero-width (non-)joiners (U+200C, U+200D) are kept: emoji and Indic names need them, as file names keep them.
SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def elements(meta: dict[str, Any]) -> dict[str, Any]:
    """The DA/T 46 elements a package's dossier.json states (its own ``elements``, when it has them, win)."""
    parts = meta.get("archival_code_parts") or {}
    dates = meta.get("dates") or {}
    department = meta.get("department") or {}
    found = {
        "档号": meta.get("archival_code"),
        "题名": meta.get("title"),
        "全宗号": parts.get("fonds"),
        "年度": parts.get("year"),
        "保管期限": (meta.get("retention") or {}).get("label"),
        "件号": parts.get("item_number"),
        "机构代码": parts.get("org_code"),
        "责任者": department.get("name"),
        "日期": dates.get("closed"),
        "办结时间": dates.get("closed"),
        "受理时间": dates.get("opened"),
        "归档时间": dates.get("sealed"),
    }
    own = meta.get("elements")
    if isinstance(own, dict):
        found.update({k: v for k, v in own.items() if not isinstance(v, dict | list)})
    return {k: v for k, v in found.items() if v not in (None, "")}


def check(meta: dict[str, Any], duplicate_codes: frozenset[str], report: Report) -> None:
    values = elements(meta)
    missing = [name for name, rule in RULES.items() if rule.required and name not in values]
    report.add("WZ-04", not missing, f"缺少 (missing): {'、'.join(missing)}" if missing else "")
    too_long = [f"{k}（{len(str(v))}>{RULES[k].max_length}）" for k, v in values.items() if _too_long(k, v)]
    report.add("ZS-02", not too_long, f"超长 (too long): {'、'.join(too_long)}" if too_long else "")
    bad_type = [k for k, v in values.items() if k in RULES and not _type_ok(RULES[k].kind, v)]
    report.add(
        "ZS-03", not bad_type, f"类型或格式不符 (wrong type or format): {'、'.join(bad_type)}" if bad_type else ""
    )
    out_of_domain = [f"{k}={v}" for k, v in values.items() if str(v) not in _domain(k, str(v))]
    domain_reason = f"不在值域内 (outside the value domain): {'、'.join(out_of_domain)}" if out_of_domain else ""
    report.add("ZS-04", not out_of_domain, domain_reason)
    report.add("ZS-05", *_plausible(values, meta.get("source", "")))
    special = _special_characters(meta, values)
    report.add(
        "ZS-06", not special, f"含特殊字符 (special characters in): {'、'.join(special[:10])}" if special else ""
    )
    report.add("ZS-07", *_code_format(values))
    code = str(values.get("档号", ""))
    report.add("ZS-08", code not in duplicate_codes, "" if code not in duplicate_codes else f"档号 {code} 已被占用")


def _domain(name: str, value: str) -> frozenset[str]:
    """The element's value domain (an element without one admits its own value)."""
    rule = RULES.get(name)
    return rule.domain if rule is not None and rule.domain is not None else frozenset({value})


def _too_long(name: str, value: Any) -> bool:
    return name in RULES and len(str(value)) > RULES[name].max_length


def _type_ok(kind: str, value: Any) -> bool:
    text = str(value)
    if kind == "int":
        return isinstance(value, int) or text.isdigit()
    if kind == "year":
        return text.isdigit() and len(text) == 4 and 1900 <= int(text) <= 2199
    if kind == "code":
        return bool(CODE_CHARS.fullmatch(text))
    if kind == "datetime":
        return _when(value) is not None
    return isinstance(value, str)


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _plausible(values: dict[str, Any], source: str) -> tuple[bool, str]:
    """Accepted before closed before archived; the year is the closing year (records imported later: no
    later than it, for their year is when they were formed)."""
    times = [(name, _when(values.get(name))) for name in ("申请时间", "受理时间", "办结时间", "归档时间")]
    known = [(name, t) for name, t in times if t is not None]
    for (first, a), (second, b) in zip(known, known[1:], strict=False):
        if a.tzinfo is not None and b.tzinfo is not None and a > b:
            return False, f"{first} 晚于 {second} (dates out of order)"
    closed, year = _when(values.get("日期")), str(values.get("年度", ""))
    if closed is None or not year.isdigit():
        return True, ""
    if int(year) > closed.year or (source != "import" and int(year) != closed.year):
        return False, f"年度 {year} 与日期 {closed.date()} 不符 (the year does not match the date)"
    return True, ""


def _special_characters(meta: dict[str, Any], values: dict[str, Any]) -> list[str]:
    texts = [(k, str(v)) for k, v in values.items()]
    texts += [(f"文件 {f.get('seq')}", str(f.get("name", ""))) for f in meta.get("files") or [] if isinstance(f, dict)]
    return [name for name, text in texts if SPECIAL.search(text) or any(_private(c) for c in text)]


def _private(char: str) -> bool:
    return unicodedata.category(char) in ("Co", "Cs")


def _code_format(values: dict[str, Any]) -> tuple[bool, str]:
    """DA/T 22: segments of letters and digits joined by - (and · after a class code), the fonds first, the
    year among them and the item number last."""
    code = str(values.get("档号", ""))
    if not ARCHIVAL_CODE.fullmatch(code):
        return False, f"档号 {code!r} 含不允许的字符或缺少分段 (characters or segments not allowed)"
    segments = re.split("[-·]", code)
    problems = []
    if str(values.get("全宗号", "")) != segments[0]:
        problems.append("不以全宗号开头 (does not start with the fonds)")
    if str(values.get("年度", "")) not in segments:
        problems.append("不含年度 (no year)")
    number = values.get("件号")
    if not segments[-1].isdigit() or int(segments[-1]) != int(str(number) if str(number).isdigit() else -1):
        problems.append("不以件号结尾 (does not end with the item number)")
    return not problems, "；".join(problems)
