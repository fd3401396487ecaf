"""The admin pages' Blueprint, alone in its module so that the route modules import it without importing
the package, which imports them to register their routes."""

from __future__ import annotations

from flask import Blueprint

from ...models import User
from ...services.cases import policy
from ...web.access import require_sign_in, web_user

bp = Blueprint("admin", __name__, url_prefix="/admin")
require_sign_in(bp)


def admin_user() -> User:
    """The signed-in administrator; anyone else gets the 403 page (the rule is the policy's, as in the API)."""
    user = web_user()
    policy.require_role(user, "admin", action="administer the system")
    return user


@bp.before_request
def _admins_only() -> None:
    """Every admin page, GET or POST, checks the role before anything is read or parsed."""
    admin_user()
