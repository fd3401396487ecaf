"""A fishing licence service and its people, for the administration tests."""

PASSWORD = "Qingshan-Fish-2026"
CITIZEN = {"username": "zhaoyu", "password": "Lake-Boat-Net-77", "name": "赵渔", "phone": "13912345678"}
GOOD_ID, BAD_ID = "330127199203150010", "330127199203150017"
SLOTS = [
    {"slot": "id", "name": "申请人身份证", "material_type": "id_card", "formats": ["jpg", "pdf"], "max_bytes": 5 << 20},
    {"slot": "boat", "name": "渔船检验证书", "material_type": "boat_cert", "formats": ["pdf"]},
]
GUIDE = {
    "name": "渔业捕捞许可",
    "department": "nyj",
    "time_limit_days": 10,
    "statutory_days": 20,
    "legal_basis": "《中华人民共和国渔业法》第二十三条",
    "materials": SLOTS,
}
