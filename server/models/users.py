"""People who use the system and the API tokens they hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, created_column, id_column
from .catalogue import Department

ROLES = ("applicant", "clerk", "officer", "supervisor", "archivist", "admin")
STAFF_ROLES = frozenset(ROLES) - {"applicant"}


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = id_column()
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[str | None] = mapped_column(ForeignKey("departments.id"), nullable=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    id_number: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_column()
    email: Mapped[str] = mapped_column(String(254), default="")
    # "<issuer>|<sub>" of an account signed in through OpenID Connect; None for local accounts.
    oidc_subject: Mapped[str | None] = mapped_column(String(512), unique=True, nullable=True)
    # 科室负责人: an officer who heads their department; hears of the department's overdue cases (督办).
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)

    department: Mapped[Department | None] = relationship()

    # The secret of the browser session this object was loaded for (services.auth); not a column.
    session_secret = ""

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookie: the session's secret, never the user id,
        so a session ended on the server cannot be revived by replaying the cookie."""
        if not self.session_secret:
            raise RuntimeError("log in through services.auth.start_session")
        return self.session_secret

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class ApiToken(Base):
    """Only a digest is stored, so a leaked database does not leak working tokens."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_column()
    expires_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)

    user: Mapped[User] = relationship()


class UserSession(Base):
    """A signed-in browser. The cookie holds a secret whose digest is stored here,
    so logout and deactivation end the session on the server, not only in the browser."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_column()
    expires_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")

    user: Mapped[User] = relationship()
