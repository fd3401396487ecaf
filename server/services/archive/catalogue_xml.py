"""The documents of a transfer batch that people read: 目录.xml, 说明文件.txt and the 移交登记表."""

from __future__ import annotations

from collections import Counter
from xml.etree import ElementTree as ET

from ...config import Settings
from ...models import Dossier, TransferBatch
from ...timeutil import local
from .metadata import dossier_elements

NAMESPACE = "urn:onewindow:transfer-catalogue"
SOFTWARE = "OneWindow（一窗受理·电子归档）; BagIt 1.0 (RFC 8493); SM3/SM2 by OpenSSL"


def catalogue_xml(settings: Settings, batch: TransferBatch, dossiers: list[Dossier], paths: list[str]) -> bytes:
    root = ET.Element(
        f"{{{NAMESPACE}}}移交目录",
        {
            "批次号": batch.batch_number,
            "全宗号": settings.fonds,
            "移交时间": local(batch.created_at).isoformat(timespec="seconds"),
            "案卷数": str(len(dossiers)),
        },
    )
    for seq, (dossier, path) in enumerate(zip(dossiers, paths, strict=True), start=1):
        elements = dossier_elements(dossier)
        row = ET.SubElement(root, f"{{{NAMESPACE}}}案卷")
        values = {
            "序号": seq,
            "档号": dossier.archival_code,
            "题名": dossier.title,
            "责任者": elements.get("责任者", ""),
            "日期": local(dossier.closed_at).date().isoformat(),
            "保管期限": elements.get("保管期限", dossier.retention),
            "密级": elements.get("密级", ""),
            "件数": len(dossier.files),
            "页数": sum(f.pages or 0 for f in dossier.files),
            "版本": dossier.version,
            "包路径": path,
        }
        for name, value in values.items():
            ET.SubElement(row, f"{{{NAMESPACE}}}{name}").text = str(value)
    ET.register_namespace("", NAMESPACE)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def explanation_text(settings: Settings, batch: TransferBatch, dossiers: list[Dossier], totals: tuple[int, int]) -> str:
    """说明文件: what the bureau needs to know before opening anything."""
    formats = Counter(f.media_type for d in dossiers for f in d.files)
    years = sorted({d.year for d in dossiers})
    lines = [
        "电子档案移交说明文件",
        "",
        f"移交批次号：{batch.batch_number}",
        f"全宗号：{settings.fonds}",
        f"移交人：{batch.created_by}",
        f"移交时间：{local(batch.created_at).isoformat(timespec='seconds')}",
        f"年度：{'、'.join(str(y) for y in years)}",
        f"案卷数：{len(dossiers)}",
        f"文件数：{totals[0]}",
        f"总字节数：{totals[1]}",
        "文件格式：" + "；".join(f"{name} {count} 件" for name, count in sorted(formats.items())),
        f"形成与移交软件：{SOFTWARE}",
        "",
        "结构：目录.xml 为案卷目录；packages/<档号>/ 为各案卷的 BagIt 包（metadata/da-t-46.xml 为 DA/T 46 元数据，",
        "metadata/dossier.json 与 metadata/events.json 为元数据与办理过程），其 preservation/ 中为四性检测报告、",
        "PREMIS 保存事件与固化信息（标签清单的 SM2 签名、签名证书、可信时间戳）。",
        "manifest-sm3.txt 为本批全部文件的 SM3 摘要，manifest-sm3.txt.sig 为其 SM2 签名（signer.pem）。",
        "",
        "核验方法：onewindow archive verify-package <本文件夹>；或",
        "  openssl x509 -in signer.pem -pubkey -noout > pub.pem",
        "  openssl dgst -sm3 -verify pub.pem -sigopt distid:1234567812345678 \\",
        "    -signature manifest-sm3.txt.sig manifest-sm3.txt",
        "",
    ]
    return "\n".join(lines)


def register_text(settings: Settings, batch: TransferBatch, dossiers: list[Dossier], totals: tuple[int, int]) -> str:
    """移交登记表, to be printed and signed by the transferring and the receiving side."""
    lines = [
        "电子档案移交登记表",
        "",
        f"移交批次号\t{batch.batch_number}",
        f"全宗号\t{settings.fonds}",
        f"案卷数\t{len(dossiers)}",
        f"文件数\t{totals[0]}",
        f"数据量（字节）\t{totals[1]}",
        f"移交时间\t{local(batch.created_at).isoformat(timespec='seconds')}",
        "检验项目\t真实性、完整性、可用性、安全性（DA/T 70），各案卷检测报告见 preservation/四性检测报告.json",
        f"移交单位经办人\t{batch.created_by}",
        "接收单位经办人\t",
        "",
        "序号\t档号\t版本\t题名",
        *(f"{i}\t{d.archival_code}\t{d.version}\t{d.title}" for i, d in enumerate(dossiers, start=1)),
        "",
    ]
    return "\n".join(lines)
