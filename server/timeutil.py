"""Local time for what people read (dates on notices, the year in archival codes)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local(dt: datetime) -> datetime:
    return dt.astimezone(LOCAL_TZ)


def local_year(dt: datetime) -> int:
    return local(dt).year
