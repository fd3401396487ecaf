"""One's own notifications over the API: the inbox, read marks, and the channels they also go out by."""

from __future__ import annotations

from ...services import notifications
from ...web.context import db_session
from . import notification_schemas as n
from .access import api_user
from .endpoint import endpoint


@endpoint(
    "GET",
    "/me/notifications",
    query=n.InboxQuery,
    responses={200: n.Inbox},
    summary="The caller's notifications, newest first",
)
def my_notifications(query: n.InboxQuery):
    session, user = db_session(), api_user()
    total, rows = notifications.inbox(session, user, page=query.page, per_page=query.per_page, unread_only=query.unread)
    return {
        "total": total,
        "unread": notifications.unread_count(session, user),
        "page": query.page,
        "per_page": query.per_page,
        "items": [notifications.notification_json(row) for row in rows],
    }


@endpoint(
    "POST",
    "/me/notifications/<notification_id>/read",
    responses={200: n.NotificationOut},
    summary="Marks one of the caller's notifications read",
)
def read_notification(notification_id: str):
    """Someone else's notification answers 404, as one that does not exist."""
    row = notifications.mark_read(db_session(), api_user(), notification_id)
    db_session().commit()
    return notifications.notification_json(row)


@endpoint(
    "GET",
    "/me/notification-settings",
    responses={200: n.ChannelsOut},
    summary="The channels the caller's notifications also go out by, and their language",
)
def my_notification_settings():
    return notifications.channels_of(db_session(), api_user()).to_json()


@endpoint(
    "PUT",
    "/me/notification-settings",
    body=n.ChannelsChange,
    responses={200: n.ChannelsOut},
    summary="Changes the caller's notification channels or language",
)
def change_notification_settings(body: n.ChannelsChange):
    channels = notifications.set_channels(db_session(), api_user(), **body.model_dump(exclude_unset=True))
    db_session().commit()
    return channels.to_json()
