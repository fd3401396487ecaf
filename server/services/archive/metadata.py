"""A dossier's archival metadata under its DA/T 46-2009 / GB/T 42727-2023 element names, as JSON and XML.

The archives bureau reads these names, not ours: the transfer batch (目录.xml, each dossier's metadata XML),
the sealed package and the checks all take them from ``dossier_elements`` so that one table of names
serves every reader. Values are plain JSON: strings (times ISO 8601 with zone, dates YYYY-MM-DD), integers
(件数, 页数, 承诺时限 in working days, 保密期限 in years, 计算机文件大小 in bytes), nested dicts and the
list of files; an element the dossier does not have is "" (or None for a number), never left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol
from xml.etree import ElementTree as ET

from ...config import Settings
from ...models import MATERIAL_CLASSES, Dossier, DossierFile, ServiceItem
from ...timeutil import local
from ...vocabulary import IdType, ItemType, Openness, Secrecy
from ..accounts import id_number_problem

# DA/T 22-2015 保管期限 as the element states it.
RETENTION_ELEMENT = {"permanent": "永久", "30y": "定期30年", "10y": "定期10年"}
SOURCE_ELEMENT = {"intake": "一窗受理", "import": "存量档案导入"}
# GB 32100 统一社会信用代码: 18 characters of digits and capitals without I, O, S, V, Z, the last a check
# over the first 17 (weights 3^i mod 31).
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
FILES = "文件"
DIGITIZATION = "数字化属性"
XML_ROOT = "电子文件元数据"
XML_NAMESPACE = "urn:onewindow:da-t-46"


class Describable(Protocol):
    """What sealing knows of a case beyond the dossier row (seal.SealRequest has these)."""

    service: ServiceItem
    applicant_id_number: str
    responsible: list[str]
    submitted_at: datetime | None
    accepted_at: datetime | None
    deferred_slots: list[str]
    case_status: str
    overrides: dict[str, Any]


def id_type_of(id_number: str) -> str:
    """证件类型 from the identifier's own shape: a valid resident ID, a credit code, or something else."""
    number = id_number.strip().upper()
    if not number:
        return ""
    if id_number_problem(number) is None:
        return IdType.RESIDENT_ID
    return IdType.CREDIT_CODE if _credit_code_valid(number) else IdType.OTHER


def _credit_code_valid(number: str) -> bool:
    if not _CREDIT_CODE.match(number):
        return False
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(number[:17], _CREDIT_WEIGHTS, strict=True))
    return number[17] == _CREDIT_CHARS[(31 - total % 31) % 31]


def description_columns(settings: Settings, request: Describable, code_group: str, category: str) -> dict[str, Any]:
    """The dossier's DA/T 46 columns at sealing: settings give 全宗名称 and 立档单位, the service item its codes,
    密级 and 开放状态, the case its times and deciding departments; a correction's ``overrides`` win."""
    service = request.service
    columns: dict[str, Any] = {
        "code_group": code_group,
        "category_code": category,
        "fonds_name": settings.fonds_name,
        "archiving_unit": settings.archiving_unit,
        "responsible": "；".join(dict.fromkeys(request.responsible or [service.department.name])),
        "item_code": service.item_code,
        "item_type": service.item_type,
        "secrecy": service.secrecy,
        "secrecy_years": service.secrecy_years if service.secrecy != Secrecy.PUBLIC else None,
        "openness": service.openness,
        "submitted_at": request.submitted_at,
        "accepted_at": request.accepted_at,
        "time_limit_days": service.time_limit_days,
        "id_type": id_type_of(request.applicant_id_number),
        "deferred_slots": sorted(request.deferred_slots),
        "case_status": request.case_status,
    }
    columns.update(request.overrides)
    return columns


def _iso(value: datetime | None) -> str:
    return local(value).isoformat() if value else ""


def _label(named: type, value: str) -> str:
    try:
        return named(value).label
    except ValueError:
        return value


def file_elements(f: DossierFile) -> dict[str, Any]:
    """One file's elements: identification (格式信息 with its PRONOM id), fixity and, for scans, 数字化属性."""
    digitization = f.digitization or {}
    return {
        "序号": f.seq,
        "计算机文件名": f.path,
        "文件名称": f.name,
        "材料类型": f.material_type_name or f.material_type,
        "材料类别": MATERIAL_CLASSES.get(f.material_class, f.material_class),
        "计算机文件大小": f.size,
        "格式名称": f.format_name,
        "格式版本": f.format_version,
        "PRONOM": f.pronom,
        "MIME类型": f.media_type,
        "创建软件": f.creating_software,
        "页数": f.pages,
        "SHA-256": f.sha256,
        "SM3": f.sm3,
        DIGITIZATION: {
            "分辨率": digitization.get("resolution", ""),
            "色彩模式": digitization.get("colour_mode", ""),
            "压缩": digitization.get("compression", ""),
        },
    }


def dossier_elements(dossier: Dossier) -> dict[str, Any]:
    """Every DA/T 46 / GB/T 42727 element of the dossier, in the order the standard lists them."""
    closed = local(dossier.closed_at)
    return {
        "聚合层次": "件",
        "档号": dossier.archival_code,
        "全宗号": dossier.fonds,
        "全宗名称": dossier.fonds_name,
        "立档单位": dossier.archiving_unit,
        "门类代码": dossier.category_code,
        "年度": dossier.year,
        "保管期限": RETENTION_ELEMENT.get(dossier.retention, dossier.retention),
        "机构代码": dossier.org_code,
        "件号": dossier.item_number,
        "版本": dossier.version,
        "替代版本": dossier.replaces_id or "",
        "更正原因": dossier.correction_reason,
        "电子文件号": dossier.id,
        "题名": dossier.title,
        "责任者": dossier.responsible or dossier.department_name,
        "日期": closed.date().isoformat(),
        "密级": _label(Secrecy, dossier.secrecy),
        "保密期限": dossier.secrecy_years,
        "开放状态": _label(Openness, dossier.openness),
        "事项编码": dossier.item_code,
        "事项名称": dossier.service_name,
        "事项类型": _label(ItemType, dossier.item_type),
        "办件编号": dossier.tracking_number,
        "申请人": dossier.applicant_name,
        "证件类型": _label(IdType, dossier.id_type),
        "证件号码": dossier.applicant_id_number,
        "申请时间": _iso(dossier.submitted_at),
        "受理时间": _iso(dossier.accepted_at),
        "办结时间": _iso(dossier.closed_at),
        "承诺时限": dossier.time_limit_days,
        "办理结果": dossier.outcome,
        "来源": SOURCE_ELEMENT.get(dossier.source, dossier.source),
        "件数": len(dossier.files),
        "页数": sum(f.pages or 0 for f in dossier.files),
        "语种": "汉语",
        FILES: [file_elements(f) for f in dossier.files],
    }


def _append(parent: ET.Element, name: str, value: Any) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _append(node, key, inner)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for inner in value:
            _append(node, name[:-2] if name.endswith("列表") else "条目", inner)
    elif value is not None:
        node.text = str(value)


def elements_xml(elements: Mapping[str, Any]) -> bytes:
    """The elements as UTF-8 XML, one element per name (the files as 文件列表/文件); the same tree every time."""
    root = ET.Element(XML_ROOT, {"xmlns": XML_NAMESPACE})
    for name, value in elements.items():
        if name == FILES:
            _append(root, "文件列表", value)
        else:
            _append(root, name, value)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
