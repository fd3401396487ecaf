"""Search latency, indexing throughput and tokeniser speed on synthetic Chinese archives.

    python bench/search_latency.py                      # 10k and 100k pages, embedded
    python bench/search_latency.py --sizes 10000,100000,1000000
    ONEWINDOW_TEST_INDEX_URL=http://127.0.0.1:19200 python bench/search_latency.py   # + Elasticsearch

Issue #4's targets, measured here rather than in timed tests: search p95 (with
highlights, facets and a permission filter) under 50 ms on the embedded
backend at 1M pages and under 100 ms on Elasticsearch at 100k; indexing
throughput for both backends, with bulk at least 5x one page per request;
the tokeniser compared with the bare segmenters.

The corpus is generated (deterministic seed) from templates of county service
centre documents: guesthouse and food-business applications, licences, fire
inspections, ID cards, with names, ID, phone, credit-code and licence
numbers, about 500 characters a page, some pages in traditional characters.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import opencc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexers import (
    DossierDoc,
    FileDoc,
    PageText,
    Scope,
    SearchIndex,
    SearchQuery,
    open_index,
    tokenize,
)

CST = timezone(timedelta(hours=8))
DEPARTMENTS = ["SJ", "LY", "XF", "ZJ", "GA", "WJ", "NY", "HB"]
SERVICES = {
    "kbms": ("开办民宿", "LY"),
    "spjy": ("食品经营许可", "SJ"),
    "gtgsh": ("个体工商户登记", "SJ"),
    "hwgg": ("户外广告设施设置", "ZJ"),
    "xfjc": ("公众聚集场所投入使用营业前消防安全检查", "XF"),
    "ggws": ("公共场所卫生许可", "WJ"),
    "ypjy": ("药品零售经营许可", "SJ"),
    "ldsy": ("临时占用城市道路许可", "ZJ"),
    "hjpj": ("建设项目环境影响评价审批", "HB"),
    "yzcd": ("养殖场备案", "NY"),
    "hjdj": ("户籍迁入登记", "GA"),
    "jzxk": ("建筑工程施工许可", "ZJ"),
}
SHARED = ["id_card", "business_licence", "food_licence"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文华建国红梅志强海燕玉兰丰三四五六七八春生德福永安"
TOWNS = ["青山镇", "大溪乡", "白石镇", "东岙乡", "桃源镇", "凤鸣街道", "城关镇", "黄泥岭乡"]
VILLAGES = ["青山村", "下王村", "石门村", "桥头村", "岭脚村", "溪口村", "前洋村", "后山村", "塘下村", "上叶村"]
BUSINESS = ["民宿", "农家乐", "副食品店", "小吃店", "便利店", "茶室", "药店", "理发店", "五金店", "超市"]
LAWS = [
    "中华人民共和国行政许可法",
    "中华人民共和国食品安全法",
    "中华人民共和国消防法",
    "浙江省民宿管理办法",
    "城市市容和环境卫生管理条例",
]
MATERIALS = [
    "居民身份证",
    "营业执照",
    "房屋产权证明",
    "消防安全检查意见书",
    "食品安全管理制度",
    "场所平面图",
    "从业人员健康证明",
]
ID_CARD = (
    "中华人民共和国\n居民身份证\n姓名 {name}\n性别 {sex} 民族 汉\n出生 {year}年{n}月{n2}日\n"
    "住址 浙江省青山县{town}{village}{n3}号\n公民身份号码 {idno}\n签发机关 青山县公安局"
)
SENTENCES = [
    "申请人{name}于{date}向{dept}提交{service}申请，经营场所位于{place}。",
    "经审查，申请材料齐全，符合法定形式，决定予以受理，受理编号{tracking}。",
    "{place}{biz}，统一社会信用代码{uscc}，经营者{name}，联系电话{phone}。",
    "根据《{law}》第{n}条规定，申请人应当提交{material}等材料。",
    "现场核查：疏散通道畅通，配置灭火器{n}具，应急照明和疏散指示标志完好有效。",
    "客房{n}间，床位{n2}张，经营面积{n3}平方米，建筑结构为砖混，共{n}层。",
    "许可证编号JY{licence}，有效期至{date2}，日常监督管理机构为{town}市场监督管理所。",
    "公民身份号码{idno}，住址浙江省青山县{town}{village}{n}号。",
    "承诺：本人对所提交材料的真实性、合法性负责，如有虚假，愿意承担相应的法律责任。",
    "经研究，准予许可，并于{date2}送达申请人，申请人对本决定不服的，可依法申请行政复议。",
    "经营项目：预包装食品销售（含冷藏冷冻食品），散装食品销售，热食类食品制售。",
    "卫生间{n}个，厨房设有三防设施，从业人员{n}人均持有效健康证明上岗。",
    "档号{code}，保管期限{retention}，本卷共{n}件{n3}页。",
    "村民委员会意见：同意{name}利用自有住房开办{biz}，周边邻里无异议。",
    "联系人：{name}，手机{phone}，电子邮箱service{n3}@example.gov.cn。",
]


DIGITS = "0123456789"


@dataclass
class Facts:
    """Values the generator used, so that queries can look for what exists."""

    names: list[str]
    ids: list[str]
    licences: list[str]


class CorpusGenerator:
    def __init__(self, seed: int = 20260401) -> None:
        self.rng = random.Random(seed)
        self.facts = Facts([], [], [])
        to_traditional = opencc.OpenCC("s2t")
        self._traditional = [to_traditional.convert(s) for s in SENTENCES]

    def _name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def _digits(self, n: int) -> str:
        below = self.rng._randbelow  # type: ignore[attr-defined]
        return "".join(DIGITS[below(10)] for _ in range(n))

    def _page(self, ctx: dict[str, str], traditional: bool, chars: int) -> str:
        # randint(a, b) and choice(seq) are a + _randbelow(b - a + 1) and seq[_randbelow(len(seq))]: the
        # same draws without random.py's argument checks, which were most of a 10M-page corpus's time
        r = self.rng
        below, rand = r._randbelow, r.random  # type: ignore[attr-defined]
        templates = self._traditional if traditional else SENTENCES
        count = len(templates)
        out: list[str] = []
        size = 0
        while size < chars:
            ctx["n"], ctx["n2"], ctx["n3"] = str(1 + below(30)), str(2 + below(59)), str(20 + below(881))
            sentence = templates[below(count)].format_map(ctx)
            out.append(sentence)
            size += len(sentence)
            if rand() < 0.15:
                out.append("\n")
        return "".join(out)

    def dossiers(self, pages: int) -> Iterator[DossierDoc]:
        r = self.rng
        made = 0
        number = 0
        start = datetime(2024, 1, 1, 9, tzinfo=CST)
        while made < pages:
            number += 1
            service = r.choice(list(SERVICES))
            service_name, owner = SERVICES[service]
            name = self._name()
            idno = f"3301{self._digits(13)}{r.choice('0123456789X')}"
            licence = f"133{self._digits(11)}"
            completed = start + timedelta(minutes=r.randint(0, 60 * 24 * 700))
            town, village = r.choice(TOWNS), r.choice(VILLAGES)
            code = f"0001-{completed.year}-30Y-{service.upper()}-{number:06d}"
            ctx = {
                "n": str(r.randint(1, 12)),
                "n2": str(r.randint(1, 28)),
                "n3": str(r.randint(1, 300)),
                "name": name,
                "date": completed.strftime("%Y年%m月%d日"),
                "date2": (completed + timedelta(days=1800)).strftime("%Y年%m月%d日"),
                "dept": f"青山县{service_name}窗口",
                "service": service_name,
                "place": f"青山县{town}{village}",
                "town": town,
                "village": village,
                "biz": r.choice(BUSINESS),
                "uscc": f"92330{self._digits(5)}MA2{self._digits(7)}Y",
                "phone": f"1{r.choice('3589')}{self._digits(9)}",
                "law": r.choice(LAWS),
                "material": r.choice(MATERIALS),
                "tracking": f"QS{completed:%Y%m%d}{number:06d}",
                "licence": licence,
                "idno": idno,
                "code": code,
                "retention": "30年",
            }
            if len(self.facts.names) < 2000 and r.random() < 0.2:
                self.facts.names.append(name)
                self.facts.ids.append(idno)
                self.facts.licences.append(f"JY{licence}")
            traditional = r.random() < 0.03
            files = [
                FileDoc(
                    f"{number}-form",
                    "申请表.pdf",
                    "application_form",
                    False,
                    [PageText(i + 1, self._page(ctx, traditional, 500), "text") for i in range(r.randint(2, 4))],
                    "申请表",
                ),
                FileDoc(
                    f"{number}-id",
                    "身份证.jpg",
                    "id_card",
                    True,
                    [PageText(1, ID_CARD.format(**ctx, sex=r.choice("男女"), year=r.randint(1950, 2004)), "ocr")],
                    "居民身份证",
                ),
                FileDoc(
                    f"{number}-doc",
                    f"{r.choice(MATERIALS)}.pdf",
                    r.choice(["business_licence", "fire_inspection", "food_licence", "floor_plan"]),
                    r.random() < 0.5,
                    [PageText(i + 1, self._page(ctx, traditional, 500), "text") for i in range(r.randint(1, 3))],
                ),
            ]
            files[2] = FileDoc(
                files[2].file_id,
                files[2].name,
                files[2].material_type,
                files[2].material_type in SHARED,
                files[2].pages,
                files[2].material_type,
            )
            routed = r.sample(DEPARTMENTS, r.choice((0, 0, 1, 2)))
            made += sum(len(f.pages) for f in files)
            yield DossierDoc(
                dossier_id=f"bench-{number:07d}",
                archival_code=code,
                title=f"{name}{service_name}",
                service_code=service,
                department_code=owner,
                departments=[owner, *routed],
                applicant_name=name,
                applicant_id_number=idno,
                completed_at=completed,
                retention="30y",
                files=files,
                service_name=service_name,
            )


def page_count(docs: list[DossierDoc]) -> int:
    return sum(len(f.pages) for d in docs for f in d.files)


def queries(facts: Facts, rng: random.Random, count: int) -> list[SearchQuery]:
    """A mix like officers type: common 2-char words, phrases, names, numbers, several terms, filters."""
    scope = Scope(departments=["LY"], shared_material_types=SHARED)
    words = ["民宿", "消防", "食品", "许可", "营业", "灭火器", "农家乐", "卫生", "健康证明", "村民"]
    phrases = ["开办民宿", "食品经营许可", "疏散通道畅通", "预包装食品销售", "营业执照", "营業執照", "青山村民宿"]
    out = []
    for i in range(count):
        kind = i % 8
        kwargs: dict = {}
        if kind == 0:
            q = rng.choice(words)
        elif kind == 1:
            q = rng.choice(phrases)
        elif kind == 2:
            q = rng.choice(facts.names)
        elif kind == 3:
            q = rng.choice(facts.ids) if rng.random() < 0.5 else rng.choice(facts.licences)
        elif kind == 4:
            q = f"{rng.choice(words)} {rng.choice(words)}"
        elif kind == 5:
            q = rng.choice(words)
            kwargs = {"service": rng.choice(list(SERVICES)), "date_from": datetime(2024, 6, 1).date()}
        elif kind == 6:
            q = rng.choice(["宿", "证", "青山", "不存在的词语", "2025年"])
        else:
            q = f"{rng.choice(facts.names)[:2]} {rng.choice(words)}"
        out.append(SearchQuery(q=q, scope=scope, **kwargs))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure_latency(index: SearchIndex, qs: list[SearchQuery]) -> dict[str, float]:
    for q in qs[:20]:
        index.search(q)
    times = []
    hits = 0
    for q in qs:
        t = time.perf_counter()
        result = index.search(q)
        times.append((time.perf_counter() - t) * 1000)
        hits += bool(result.hits)
    return {
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "max_ms": round(max(times), 2),
        "queries": len(qs),
        "with_hits": hits,
    }


def index_corpus(index: SearchIndex, docs: list[DossierDoc], batch: int = 2000) -> dict[str, float]:
    t = time.perf_counter()
    for i in range(0, len(docs), batch):
        index.index_many(docs[i : i + batch])
    elapsed = time.perf_counter() - t
    pages = page_count(docs)
    return {"pages": pages, "dossiers": len(docs), "seconds": round(elapsed, 1), "pages_per_s": round(pages / elapsed)}


def single_page_docs(gen: CorpusGenerator, n: int) -> list[DossierDoc]:
    docs = []
    for doc in gen.dossiers(n * 10):
        first = doc.files[0]
        docs.append(replace(doc, files=[replace(first, pages=first.pages[:1])]))
        if len(docs) == n:
            break
    return docs


def bulk_vs_single(
    url_for: Callable[[str], str], gen: CorpusGenerator, singles: int, bulk: int, rounds: int = 1
) -> dict[str, float]:
    """Pages per second, one page per request against one bulk call (fresh indexes each time).

    With several ``rounds`` the two alternate (single first, then bulk first, ...) and each
    figure is the best of its rounds, so a busy moment on a shared machine does not decide.
    """
    one, many = single_page_docs(gen, singles), single_page_docs(gen, bulk)
    runs: dict[str, tuple[list[DossierDoc], Callable[[SearchIndex, list[DossierDoc]], object]]] = {
        "single": (one, lambda ix, ds: [ix.index_dossier(d) for d in ds]),
        "bulk": (many, lambda ix, ds: ix.index_many(ds)),
    }
    best = dict.fromkeys(runs, 0.0)
    for r in range(rounds):
        for label in list(runs) if r % 2 == 0 else list(runs)[::-1]:
            docs, run = runs[label]
            index = open_index(url_for(label))
            try:
                index.check()
                t = time.perf_counter()
                run(index, docs)
                best[label] = max(best[label], len(docs) / (time.perf_counter() - t))
            finally:
                index.destroy()
                index.close()
    out = {f"{label}_pages_per_s": round(rate, 1) for label, rate in best.items()}
    out["bulk_over_single"] = round(best["bulk"] / best["single"], 1)
    return out


def tokeniser_speed(docs: list[DossierDoc]) -> dict[str, object]:
    """Our whole ``analyze`` against bare ``rjieba.cut_for_search`` on the same text (issue #4: >= 0.9x).

    Once on ~3 MB joined, once page by page (~500 characters a call, where fixed
    costs per call weigh more); plus the pure-Python fallback, used when the native
    module is not installed. Each figure is the best of five runs, interleaved (a shared
    machine varies by ±15 % from one run to the next).
    """
    import jieba
    import rjieba

    jieba.setLogLevel(60)
    pages = [p.text for d in docs for f in d.files for p in f.pages]
    text = "\n".join(pages)[:3_000_000]
    size = len(text.encode()) / 1e6
    small = text[: len(text) // 20]
    some_pages = pages[:2000]
    pages_size = len("".join(some_pages).encode()) / 1e6
    tokenize.analyze(text[:1000])  # builds the tables (and the native analyser) outside the timing
    jieba.lcut_for_search(small[:1000])

    runs: dict[str, tuple[Callable[[], object], float]] = {
        "ours": (lambda: tokenize.analyze(text), size),
        "rjieba": (lambda: rjieba.cut_for_search(text), size),
        "ours_per_page": (lambda: [tokenize.analyze(p) for p in some_pages], pages_size),
        "rjieba_per_page": (lambda: [rjieba.cut_for_search(p) for p in some_pages], pages_size),
    }
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(5):
        for name, (fn, _mb) in runs.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    mbps = {name: runs[name][1] / best[name] for name in runs}

    def rate(fn: Callable[[], object], mb: float) -> float:
        t = time.perf_counter()
        fn()
        return round(mb / (time.perf_counter() - t), 2)

    return {
        "native": tokenize.NATIVE,
        "ours_full_MBps": round(mbps["ours"], 2),
        "bare_rjieba_search_MBps": round(mbps["rjieba"], 2),
        "ours_over_rjieba": round(mbps["ours"] / mbps["rjieba"], 2),
        "per_page_ours_MBps": round(mbps["ours_per_page"], 2),
        "per_page_rjieba_MBps": round(mbps["rjieba_per_page"], 2),
        "per_page_ours_over_rjieba": round(mbps["ours_per_page"] / mbps["rjieba_per_page"], 2),
        "python_fallback_MBps": rate(lambda: tokenize.analyze_python(text), size),
        "normalise_MBps": rate(lambda: tokenize.normalize(text), size),
        "bare_jieba_search_MBps": rate(lambda: jieba.lcut_for_search(small), len(small.encode()) / 1e6),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="page counts, comma-separated")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--es-url", default=os.environ.get("ONEWINDOW_TEST_INDEX_URL", ""))
    parser.add_argument("--es-max-pages", type=int, default=100_000, help="largest size also run on Elasticsearch")
    parser.add_argument("--workdir", default="")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the embedded indexes in --workdir and reuse a complete one of the same size"
        " (the corpus is deterministic)",
    )
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument("--no-extras", action="store_true", help="skip the tokeniser and bulk-vs-single measurements")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    work = Path(args.workdir or tempfile.mkdtemp(prefix="ow-bench-"))
    report: dict[str, object] = {"cpus": os.cpu_count(), "sizes": {}}
    es_base = args.es_url.split("?")[0] if args.es_url else ""
    tag = secrets.token_hex(3)

    for size in sizes:
        gen = CorpusGenerator()
        t = time.perf_counter()
        docs = list(gen.dossiers(size))
        print(
            f"[{size} pages] generated {len(docs)} dossiers, {page_count(docs)} pages"
            f" in {time.perf_counter() - t:.1f}s",
            flush=True,
        )
        qs = queries(gen.facts, random.Random(size), args.queries)
        entry: dict[str, object] = {}
        backends = [("embedded", f"sqlite:///{work / f'idx-{size}' / 'index.db'}")]
        if es_base and size <= args.es_max_pages:
            backends.append(("elasticsearch", f"{es_base}?prefix=owbench-{tag}-{size}"))
        for name, url in backends:
            index = open_index(url)
            keep = args.keep and name == "embedded"
            # Written after a full load; an index of another schema version opens empty.
            marker = work / f"idx-{size}" / f"loaded-{page_count(docs)}"
            try:
                if keep and marker.exists() and index.describe()["units"]:
                    indexing: dict[str, object] = {"reused": str(marker.parent)}
                else:
                    index.destroy()
                    index = open_index(url)
                    indexing = index_corpus(index, docs)
                    marker.touch()
                print(f"  {name}: indexed {indexing}", flush=True)
                latency = measure_latency(index, qs)
                print(f"  {name}: search {latency}", flush=True)
                entry[name] = {"indexing": indexing, "search": latency}
            finally:
                if not keep:
                    index.destroy()
        report["sizes"][str(size)] = entry  # type: ignore[index]
        if size == sizes[0] and not args.no_extras:
            speed = tokeniser_speed(docs)
            print(f"  tokeniser: {speed}", flush=True)
            report["tokeniser"] = speed
        del docs

    if args.no_extras:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    ratio_gen = CorpusGenerator(seed=7)
    ratios = {
        "embedded": bulk_vs_single(
            lambda label: f"sqlite:///{work / ('ratio-' + label)}/index.db", ratio_gen, 200, 5000
        )
    }
    print(f"  embedded bulk vs single: {ratios['embedded']}", flush=True)
    if es_base:
        ratios["elasticsearch"] = bulk_vs_single(
            lambda label: f"{es_base}?prefix=owbench-{tag}-{label}", ratio_gen, 200, 5000
        )
        print(f"  elasticsearch bulk vs single: {ratios['elasticsearch']}", flush=True)
    report["bulk_vs_single"] = ratios
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
