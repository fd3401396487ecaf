"""Test data for the search index: a small archive of realistic Chinese dossiers.

The texts imitate what a county service centre files: guesthouse (民宿)
applications, a food-business licence, an outdoor-advert permit and a fire
inspection, with the traps issue #4 measured: 2-character words, 村民宿,
words broken across lines, traditional characters, full-width digits, ID,
phone, credit-code and archival numbers.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from indexers import DossierDoc, FileDoc, PageText

CST = timezone(timedelta(hours=8))

LY, SJ, XF, ZJ = "LY", "SJ", "XF", "ZJ"  # tourism, market regulation, fire brigade, housing & construction
SHARED_TYPES = ("id_card", "business_licence", "food_licence")


def _file(file_id: str, name: str, material_type: str, type_name: str, *pages: str, source: str = "text") -> FileDoc:
    return FileDoc(
        file_id=file_id,
        name=name,
        material_type=material_type,
        shared=material_type in SHARED_TYPES,
        pages=[PageText(i + 1, text, source) for i, text in enumerate(pages)],
        material_type_name=type_name,
    )


def build_corpus() -> list[DossierDoc]:
    return [
        DossierDoc(
            dossier_id="d-ms-001",
            archival_code="0001-2026-30Y-MSCJ-00012",
            title="张三丰开办民宿",
            service_code="kbms",
            department_code=LY,
            departments=[LY, XF, SJ],
            applicant_name="张三丰",
            applicant_id_number="33010219900101123X",
            completed_at=datetime(2026, 3, 5, 10, 0, tzinfo=CST),
            retention="30y",
            service_name="开办民宿",
            files=[
                _file(
                    "f-001-form",
                    "民宿开办申请表.pdf",
                    "application_form",
                    "申请表",
                    "浙江省民宿开办申请表\n申请人：张三丰　联系电话：138-0000-1234\n"
                    "经营地址：青山县青山村民宿集聚区8号\n申请事项：开办\n民宿（客房5间，床位10张）\n"
                    "承诺：本人对所提交材料的真实性负责。",
                ),
                _file(
                    "f-001-id",
                    "身份证.jpg",
                    "id_card",
                    "居民身份证",
                    "中华人民共和国居民身份证\n姓名 张三丰 性别 男 民族 汉\n出生 1990年1月1日\n"
                    "住址 浙江省青山县青山村\n公民身份号码 33010219900101123X",
                    source="ocr",
                ),
                _file(
                    "f-001-prop",
                    "房产证.pdf",
                    "property_certificate",
                    "房屋产权证明",
                    "不动产权证书\n浙（2025）青山县不动产权第0012345号\n"
                    "权利人 张三丰\n坐落 青山村8号\n用途 宅基地/住宅",
                ),
                _file(
                    "f-001-fire",
                    "消防意见书.pdf",
                    "fire_inspection",
                    "消防安全检查意见书",
                    "消防安全检查意见书\n青消检字〔2026〕第018号\n经检查，该民宿疏散通道畅通，灭火器配置符合要求，同意投入使用。",
                ),
            ],
        ),
        DossierDoc(
            dossier_id="d-sp-002",
            archival_code="0001-2026-30Y-SCJG-00013",
            title="青山副食品店食品经营许可",
            service_code="spjy",
            department_code=SJ,
            departments=[SJ],
            applicant_name="李四",
            applicant_id_number="330102198001011234",
            completed_at=datetime(2026, 4, 1, 15, 0, tzinfo=CST),
            retention="30y",
            service_name="食品经营许可",
            files=[
                _file(
                    "f-002-lic",
                    "營業執照.pdf",
                    "business_licence",
                    "营业执照",
                    "營業執照\n統一社會信用代碼 91330102MA2H1XXX0Y\n名稱 青山縣青山副食品店\n類型 個體工商戶\n"
                    "經營者 李四\n經營範圍 食品銷售；日用百貨",
                ),
                _file(
                    "f-002-form",
                    "食品经营许可申请书.pdf",
                    "application_form",
                    "申请表",
                    "食品经营许可申请书\n经营者名称：青山县青山副食品店\n经营项目：预包装食品销售（含冷藏冷冻食品）\n"
                    "拟申请许可证编号：JY13301020012345",
                ),
                _file(
                    "f-002-result",
                    "食品经营许可证.pdf",
                    "food_licence",
                    "食品经营许可证",
                    "食品经营许可证\n许可证编号：ＪＹ１３３０１０２００１２３４５\n有效期至：２０３１年３月３１日",
                ),
                _file(
                    "f-002-rules",
                    "食品安全管理制度.pdf",
                    "hygiene_rules",
                    "食品安全管理制度",
                    "食品安全管理制度\n从业人员健康管理制度：村民住宿区与经营场所分开设置，每日清洁消毒。",
                ),
            ],
        ),
        DossierDoc(
            dossier_id="d-ms-003",
            archival_code="0001-2026-30Y-MSCJ-00021",
            title="王五农家乐经营申请",
            service_code="kbms",
            department_code=LY,
            departments=[LY],
            applicant_name="王五",
            applicant_id_number="33010219851212002X",
            completed_at=datetime(2026, 2, 10, 9, 0, tzinfo=CST),
            retention="30y",
            service_name="",
            files=[
                _file(
                    "f-003-form",
                    "申请书.pdf",
                    "application_form",
                    "申请表",
                    "经营地址：大溪村民宿（原村民活动中心），经营农家乐餐饮，客房3间。",
                ),
            ],
        ),
        DossierDoc(
            dossier_id="d-ms-004",
            archival_code="0001-2026-30Y-MSCJ-00030",
            title="開辦民宿申請（台胞）",
            service_code="kbms",
            department_code=LY,
            departments=[LY],
            applicant_name="陳美玲",
            applicant_id_number="830000199001010018",
            completed_at=datetime(2026, 1, 20, 11, 0, tzinfo=CST),
            retention="30y",
            files=[
                _file(
                    "f-004-form",
                    "申請書.pdf",
                    "application_form",
                    "申请表",
                    "申請人：陳美玲\n申請開辦民宿，房屋位於青山村。\n消防設施：已配置滅火器及煙霧報警器。",
                ),
            ],
        ),
        DossierDoc(
            dossier_id="d-gg-005",
            archival_code="0001-2026-10Y-HWGG-00005",
            title="青山文化传媒户外广告设置",
            service_code="hwgg",
            department_code=ZJ,
            departments=[ZJ],
            applicant_name="赵六",
            applicant_id_number="330102197505050011",
            completed_at=datetime(2026, 3, 31, 23, 30, tzinfo=CST),
            retention="10y",
            files=[
                _file(
                    "f-005-form",
                    "户外广告设置申请.pdf",
                    "application_form",
                    "申请表",
                    "户外广告设施设置申请\n设置地点：青山大道18号\n广告内容：青山县文化旅游宣传",
                ),
                _file(
                    "f-005-lic",
                    "营业执照.pdf",
                    "business_licence",
                    "营业执照",
                    "营业执照\n统一社会信用代码 91330100MA27ABCD3K\n名称 青山文化传媒有限公司\n法定代表人 赵六",
                ),
            ],
        ),
        DossierDoc(
            dossier_id="d-xf-006",
            archival_code="0001-2026-30Y-XFJC-00006",
            title="青山大酒店营业前消防安全检查",
            service_code="xfjc",
            department_code=XF,
            departments=[XF],
            applicant_name="孙七",
            applicant_id_number="330102196803030035",
            completed_at=datetime(2026, 4, 15, 16, 0, tzinfo=CST),
            retention="30y",
            files=[
                _file(
                    "f-006-form",
                    "申报表.pdf",
                    "application_form",
                    "申请表",
                    "<script>alert(1)</script> 公众聚集场所投入使用、营业前消防安全检查申报表\n申请单位：青山大酒店",
                ),
                _file(
                    "f-006-fire",
                    "合格证.pdf",
                    "fire_inspection",
                    "消防安全检查意见书",
                    "消防安全检查合格证\n场所名称：青山大酒店\n检查结论：合格",
                ),
            ],
        ),
    ]
