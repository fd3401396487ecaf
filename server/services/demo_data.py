"""The demo catalogue: a county service centre's departments, material types and service items.

Texts follow the public service guides of Zhejiang county centres; codes are short
and readable so the demo is easy to follow in URLs and logs.
"""

MB = 1024 * 1024
IMAGES_AND_PDF = ["pdf", "jpg", "png"]
PDF_ONLY = ["pdf"]

DEPARTMENTS = [
    # code, name, English name, organisation code (part of archival codes)
    ("scjg", "市场监管局", "Market Regulation Bureau", "SCJG"),
    ("gaj", "公安局", "Public Security Bureau", "GAJ"),
    ("wlj", "文旅局", "Culture and Tourism Bureau", "WLJ"),
    ("xfjy", "消防救援大队", "Fire and Rescue Brigade", "XFJY"),
    ("wjj", "卫健局", "Health Commission", "WJJ"),
    ("zrzy", "自然资源局", "Natural Resources Bureau", "ZRZY"),
]

MATERIAL_TYPES = [
    # code, name, English name, shared (reusable across departments), valid days
    ("id_card", "居民身份证", "Resident identity card", True, 3650),
    ("business_licence", "营业执照", "Business licence", True, None),
    ("property_cert", "房屋产权证明", "Property ownership certificate", True, None),
    ("lease_contract", "房屋租赁合同", "Lease contract", True, 365),
    ("fire_safety_cert", "消防安全检查合格证", "Fire safety inspection certificate", True, 1095),
    ("health_cert", "健康证明", "Health certificate", True, 365),
    ("floor_plan", "经营场所平面布局图", "Floor plan of the premises", False, None),
    ("application_form", "申请书", "Application form", False, None),
    ("food_safety_rules", "食品安全管理制度", "Food safety management rules", False, None),
    ("security_rules", "治安保卫制度", "Security rules", False, None),
    ("hygiene_report", "卫生检测报告", "Hygiene test report", False, 365),
    ("commitment", "告知承诺书", "Letter of commitment", False, None),
]

# slot, name, material type, required, key, formats, max bytes, archival class, note
SERVICES = [
    {
        "code": "minsu",
        "name": "开办民宿",
        "name_en": "Opening a guesthouse (B&B)",
        "department": "wlj",
        "cooperating": ["scjg", "gaj", "xfjy", "wjj"],
        "summary": "开办民宿“一件事”联办：一次申请，同时办理营业执照、特种行业许可证、公共场所卫生许可和民宿登记。",
        "conditions": "利用城乡居民自有住宅或集体用房开办，经营用客房不超过15间、建筑面积不超过800平方米；"
                      "房屋权属清晰，符合消防、治安和卫生要求。",
        "legal_basis": "《旅馆业治安管理办法》第四条；《中华人民共和国消防法》第十五条；"
                       "《公共场所卫生管理条例》第八条；《浙江省民宿促进条例》",
        "time_limit_days": 5,
        "statutory_days": 20,
        "fees": "不收费",
        "retention": "30y",
        "location": "县政务服务中心一楼综合受理窗口",
        "materials": [
            ("applicant_id", "经营者身份证", "id_card", True, True, ["jpg", "png", "pdf"], 10 * MB, "basis", "正反面，需与原件核对"),
            ("business_licence", "营业执照", "business_licence", True, True, IMAGES_AND_PDF, 10 * MB, "basis", "尚未领取的可同步申请"),
            ("property_proof", "房屋产权证明或租赁合同", "property_cert", True, True, IMAGES_AND_PDF, 20 * MB, "basis", ""),
            ("fire_safety", "消防安全检查合格证或消防安全承诺书", "fire_safety_cert", True, False, IMAGES_AND_PDF, 20 * MB, "basis", "可容缺受理，办结前补齐"),
            ("health_certs", "从业人员健康证明", "health_cert", True, False, IMAGES_AND_PDF, 20 * MB, "basis", "可容缺受理，办结前补齐"),
            ("floor_plan", "民宿平面布局图", "floor_plan", True, True, PDF_ONLY, 30 * MB, "basis", "标明客房、消防通道和安全出口"),
            ("security_rules", "治安保卫制度", "security_rules", False, False, PDF_ONLY, 10 * MB, "basis", ""),
        ],
    },
    {
        "code": "food-grocery",
        "name": "食品经营许可（副食品店）",
        "name_en": "Food business licence (grocery shop)",
        "department": "scjg",
        "cooperating": [],
        "summary": "仅销售预包装食品的副食品店申请食品经营许可。",
        "conditions": "具有与经营的食品品种、数量相适应的经营场所；有食品安全管理人员和保证食品安全的规章制度。",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》第十二条",
        "time_limit_days": 5,
        "statutory_days": 10,
        "fees": "不收费",
        "retention": "30y",
        "location": "县政务服务中心二楼市场监管窗口",
        "materials": [
            ("application_form", "食品经营许可申请书", "application_form", True, True, PDF_ONLY, 10 * MB, "procedure", "申请人签字或盖章"),
            ("business_licence", "营业执照", "business_licence", True, True, IMAGES_AND_PDF, 10 * MB, "basis", ""),
            ("legal_rep_id", "法定代表人（负责人）身份证", "id_card", True, True, ["jpg", "png", "pdf"], 10 * MB, "basis", ""),
            ("premises_proof", "经营场所产权证明或租赁合同", "lease_contract", True, True, IMAGES_AND_PDF, 20 * MB, "basis", ""),
            ("floor_plan", "经营场所平面布局图", "floor_plan", True, True, PDF_ONLY, 30 * MB, "basis", ""),
            ("safety_rules", "食品安全管理制度", "food_safety_rules", True, False, PDF_ONLY, 10 * MB, "basis", "可容缺受理"),
            ("health_certs", "从业人员健康证明", "health_cert", True, False, IMAGES_AND_PDF, 20 * MB, "basis", "可容缺受理"),
        ],
    },
    {
        "code": "sole-trader",
        "name": "个体工商户设立登记",
        "name_en": "Registering a sole trader",
        "department": "scjg",
        "cooperating": [],
        "summary": "个体工商户开业登记，核发营业执照。",
        "conditions": "有经营能力的自然人；有固定经营场所。",
        "legal_basis": "《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》第二十一条",
        "time_limit_days": 1,
        "statutory_days": 3,
        "fees": "不收费",
        "retention": "permanent",
        "location": "县政务服务中心二楼市场监管窗口",
        "materials": [
            ("application_form", "个体工商户登记申请书", "application_form", True, True, PDF_ONLY, 10 * MB, "procedure", ""),
            ("operator_id", "经营者身份证", "id_card", True, True, ["jpg", "png", "pdf"], 10 * MB, "basis", ""),
            ("premises_proof", "经营场所使用证明", "lease_contract", True, True, IMAGES_AND_PDF, 20 * MB, "basis", ""),
        ],
    },
    {
        "code": "public-hygiene",
        "name": "公共场所卫生许可",
        "name_en": "Public place hygiene permit",
        "department": "wjj",
        "cooperating": [],
        "summary": "宾馆、民宿、美容美发等公共场所经营前申请卫生许可（告知承诺制）。",
        "conditions": "场所布局合理，卫生设施齐全，从业人员持有效健康证明。",
        "legal_basis": "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条",
        "time_limit_days": 3,
        "statutory_days": 20,
        "fees": "不收费",
        "retention": "10y",
        "location": "县政务服务中心三楼卫健窗口",
        "materials": [
            ("commitment", "公共场所卫生许可告知承诺书", "commitment", True, True, PDF_ONLY, 10 * MB, "procedure", ""),
            ("business_licence", "营业执照", "business_licence", True, True, IMAGES_AND_PDF, 10 * MB, "basis", ""),
            ("floor_plan", "场所平面布局图", "floor_plan", True, True, PDF_ONLY, 30 * MB, "basis", ""),
            ("health_certs", "从业人员健康证明", "health_cert", True, False, IMAGES_AND_PDF, 20 * MB, "basis", "可容缺受理"),
            ("hygiene_report", "卫生检测报告", "hygiene_report", False, False, PDF_ONLY, 20 * MB, "basis", ""),
        ],
    },
    {
        "code": "special-trade",
        "name": "特种行业许可证核发（旅馆业）",
        "name_en": "Special trade permit (hotels)",
        "department": "gaj",
        "cooperating": ["xfjy"],
        "summary": "开办旅馆（含民宿）须取得特种行业许可证。",
        "conditions": "房屋建筑、消防设备、出入口和通道符合消防安全要求；有必要的防盗安全设施。",
        "legal_basis": "《旅馆业治安管理办法》第四条；国务院令第412号附件第37项",
        "time_limit_days": 10,
        "statutory_days": 20,
        "fees": "不收费",
        "retention": "30y",
        "location": "县政务服务中心一楼公安窗口",
        "materials": [
            ("application_form", "特种行业许可证申请登记表", "application_form", True, True, PDF_ONLY, 10 * MB, "procedure", ""),
            ("operator_id", "法定代表人身份证", "id_card", True, True, ["jpg", "png", "pdf"], 10 * MB, "basis", ""),
            ("business_licence", "营业执照", "business_licence", True, True, IMAGES_AND_PDF, 10 * MB, "basis", ""),
            ("fire_safety", "消防安全检查合格证", "fire_safety_cert", True, True, IMAGES_AND_PDF, 20 * MB, "basis", ""),
            ("security_rules", "治安保卫制度", "security_rules", True, False, PDF_ONLY, 10 * MB, "basis", "可容缺受理"),
        ],
    },
]

# username, display name, role, department code (officers), phone, ID number
USERS = [
    ("applicant", "王丽华", "applicant", None, "13857101234", "330127198805123426"),
    ("applicant2", "陈建国", "applicant", None, "13967154321", "33012719760301161X"),
    ("clerk", "李晓燕（综合窗口）", "clerk", None, "", ""),
    ("supervisor", "赵敏（督办科）", "supervisor", None, "", ""),
    ("archivist", "周文（档案室）", "archivist", None, "", ""),
    ("admin", "系统管理员", "admin", None, "", ""),
]
