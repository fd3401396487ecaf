"""Notifications (API.md "Notifications"): every case event that someone should hear of becomes an inbox
entry in the recipient's language, and, by the recipient's choice, an e-mail and an SMS sent by jobs.

Event-driven: ``on_event`` is called by cases/events.record for every event, so the workflow code only
records what happened. The rules (which event tells whom what) are in rules.py. What no case event
causes (an officer's access request) is told with ``notify_user``.
"""

from .delivery import DELIVERY_JOB, deliver
from .direct import DIRECT_KINDS, notify_user
from .inbox import inbox, mark_all_read, mark_read, notification_json, unread_count
from .preferences import Channels, channels_of, set_channels
from .rules import RULES, on_event

__all__ = [
    "DELIVERY_JOB",
    "DIRECT_KINDS",
    "RULES",
    "Channels",
    "channels_of",
    "deliver",
    "inbox",
    "mark_all_read",
    "mark_read",
    "notification_json",
    "notify_user",
    "on_event",
    "set_channels",
    "unread_count",
]
