"""A readable before/after of a change: the fields that differ, each with its old and new value.

Audit entries keep whole objects as the API shows them (a guide with its materials list); people want
to see only what changed. Nested objects are flattened (``materials[licence].formats``: a material is
named by its slot), lists of plain values are joined, and a field present on one side only is shown
against "—".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

NONE = "—"
FIELD_LABELS = {
    "code": _l("编码"),
    "name": _l("名称"),
    "name_en": _l("英文名称"),
    "org_code": _l("机构代码"),
    "shared": _l("共享材料"),
    "valid_days": _l("有效天数"),
    "department": _l("部门"),
    "summary": _l("事项简介"),
    "conditions": _l("受理条件"),
    "legal_basis": _l("设定依据"),
    "time_limit_days": _l("承诺时限（工作日）"),
    "statutory_days": _l("法定时限（工作日）"),
    "fees": _l("收费标准"),
    "retention": _l("档案保管期限"),
    "retention_label": _l("档案保管期限"),
    "location": _l("办理地点"),
    "cooperating_departments": _l("协办部门"),
    "status": _l("状态"),
    "version": _l("版本"),
    "published_at": _l("发布时间"),
    "published_by": _l("发布人"),
    "materials": _l("材料"),
    "slot": _l("材料代码"),
    "material_type": _l("材料类型"),
    "required": _l("必交"),
    "key": _l("必要"),
    "formats": _l("格式"),
    "max_bytes": _l("大小上限（字节）"),
    "material_class": _l("档案类别"),
    "note": _l("说明"),
    "username": _l("用户名"),
    "display_name": _l("姓名"),
    "role": _l("角色"),
    "active": _l("启用"),
    "phone": _l("手机号码"),
    "id_number": _l("居民身份证号码"),
    "email": _l("电子邮箱"),
    "signs_in_with": _l("登录方式"),
    "created_at": _l("创建时间"),
}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


def diff(
    before: dict[str, Any] | None, after: dict[str, Any] | None, *, ignore: frozenset[str] = frozenset()
) -> list[Change]:
    """The fields whose shown value differs, in the order the newer object has them."""
    old, new = flatten(before or {}), flatten(after or {})
    names = [*new, *(name for name in old if name not in new)]
    return [
        Change(name, label(name), old.get(name, NONE), new.get(name, NONE))
        for name in names
        if name.split(".")[0].split("[")[0] not in ignore and old.get(name, NONE) != new.get(name, NONE)
    ]


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """``{"materials": [{"slot": "id", "formats": ["pdf"]}]}`` → ``{"materials[id].formats": "pdf"}``."""
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, inner in value.items():
            out.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, (list, tuple)) and value and all(isinstance(item, dict) for item in value):
        out = {}
        for position, item in enumerate(value):
            name = item.get("slot") or item.get("code") or str(position + 1)
            out.update(flatten(item, f"{prefix}[{name}]"))
        return out
    return {prefix: shown(value)}


def shown(value: Any) -> str:
    if value is None or value == "" or value == [] or value == ():
        return NONE
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def label(name: str) -> str:
    """``materials[id].formats`` → "材料 id · 格式"."""
    head, _sep, rest = name.partition(".")
    if "[" in head:
        field_name, item = head.rstrip("]").split("[", 1)
        return f"{FIELD_LABELS.get(field_name, field_name)} {item} · {label(rest) if rest else ''}".rstrip(" ·")
    if rest:
        return f"{FIELD_LABELS.get(head, head)} · {label(rest)}"
    return str(FIELD_LABELS.get(head, head))
