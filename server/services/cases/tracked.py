"""What the public status lookup reads of a case, as plain values rather than ORM objects.

The lookup is the public's most frequent request; building ``Application`` objects for it cost more than its
query. These carry the attributes, under the same names, that ``views.public_status`` and
``clock.clock_state`` read, so one function answers for both.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class TrackedDepartment(NamedTuple):
    name: str


class TrackedService(NamedTuple):
    name: str
    time_limit_days: int
    department: TrackedDepartment


class TrackedStep(NamedTuple):
    at: datetime
    action: str
    after: str


class TrackedPause(NamedTuple):
    started_at: datetime
    ended_at: datetime | None
    reason: str


class TrackedCase(NamedTuple):
    tracking_number: str
    status: str
    submitted_at: datetime | None
    accepted_at: datetime | None
    decided_at: datetime | None
    completed_at: datetime | None
    limit_days: int | None
    service: TrackedService
    events: tuple[TrackedStep, ...]
    pauses: tuple[TrackedPause, ...]
