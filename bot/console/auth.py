"""Staff accounts, password hashing (argon2id), server-side sessions and login lockout."""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from bot.console import db

ROLES = ("agent", "admin")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password")
MIN_PASSWORD = 10


@dataclass(frozen=True)
class Staff:
    id: int
    email: str
    role: str
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_staff(engine: Engine, email: str, password: str, role: str,
                 by: Optional[str] = None) -> int:
    email = normalise_email(email)
    if "@" not in email or len(email) > 255:
        raise AccountError("enter a valid e-mail address")
    if role not in ROLES:
        raise AccountError("role must be agent or admin")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    with engine.begin() as connection:
        if connection.execute(select(db.staff.c.id).where(db.staff.c.email == email)).first():
            raise AccountError("an account with this e-mail exists")
        staff_id = connection.execute(insert(db.staff).values(
            email=email, password_hash=_hasher.hash(password), role=role, active=True,
            created_at=time.time())).inserted_primary_key[0]
        db.record_audit(connection, by, "staff_created", email, f"role={role}")
    return staff_id


def ensure_admin(engine: Engine, email: str, password: str) -> bool:
    """Create the first admin from the environment unless that account exists."""
    if not email or not password:
        return False
    with engine.connect() as connection:
        if connection.execute(select(db.staff.c.id).where(
                db.staff.c.email == normalise_email(email))).first():
            return False
    create_staff(engine, email, password, "admin", by="environment")
    return True


def set_active(engine: Engine, staff_id: int, active: bool, by: str) -> None:
    with engine.begin() as connection:
        email = connection.execute(select(db.staff.c.email).where(db.staff.c.id == staff_id)).scalar()
        if email is None:
            raise AccountError("no such account")
        connection.execute(update(db.staff).where(db.staff.c.id == staff_id).values(active=active))
        if not active:
            connection.execute(delete(db.sessions).where(db.sessions.c.staff_id == staff_id))
        db.record_audit(connection, by, "staff_enabled" if active else "staff_disabled", email)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginLocked(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"locked for {int(seconds)} s")
        self.seconds = seconds


class LoginGuard:
    """Counts failed logins per account and per client address; locks either out."""

    def __init__(self, engine: Engine, max_failures: int, max_ip_failures: int, lockout_seconds: float):
        self.engine = engine
        self.limits = {"email": max_failures, "ip": max_ip_failures}
        self.lockout = lockout_seconds

    def check(self, email: str, ip: str) -> None:
        now = time.time()
        with self.engine.connect() as connection:
            for key in (f"email:{email}", f"ip:{ip}"):
                until = connection.execute(select(db.login_failures.c.locked_until)
                                           .where(db.login_failures.c.key == key)).scalar()
                if until and until > now:
                    raise LoginLocked(until - now)

    def failed(self, email: str, ip: str) -> None:
        now = time.time()
        t = db.login_failures
        with self.engine.begin() as connection:
            for kind, key in (("email", f"email:{email}"), ("ip", f"ip:{ip}")):
                row = connection.execute(select(t).where(t.c.key == key)).first()
                count = 1
                if row is not None:
                    # Counting starts afresh after a lockout or a quiet lockout-long period.
                    stale = row.locked_until and row.locked_until <= now or now - row.last_at > self.lockout
                    count = 1 if stale else row.count + 1
                until = now + self.lockout if count >= self.limits[kind] else 0.0
                values = dict(count=0 if until else count, last_at=now, locked_until=until)
                if row is None:
                    connection.execute(insert(t).values(key=key, **values))
                else:
                    connection.execute(update(t).where(t.c.key == key).values(**values))
                if until:
                    db.record_audit(connection, email if kind == "email" else None, "login_locked", key,
                                    f"{self.limits[kind]} failed logins; locked {int(self.lockout)} s")

    def succeeded(self, email: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(db.login_failures).where(db.login_failures.c.key == f"email:{email}"))


def verify_login(engine: Engine, email: str, password: str) -> Optional[int]:
    """The account id when e-mail and password match an active account."""
    with engine.connect() as connection:
        row = connection.execute(select(db.staff).where(db.staff.c.email == email)).first()
    try:
        _hasher.verify(row.password_hash if row is not None else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    return row.id


def open_session(engine: Engine, staff_id: int, minutes: int) -> str:
    token = secrets.token_urlsafe(32)
    now = time.time()
    with engine.begin() as connection:
        connection.execute(delete(db.sessions).where(db.sessions.c.expires_at < now))
        connection.execute(insert(db.sessions).values(
            token_hash=_hash_token(token), staff_id=staff_id, csrf_token=secrets.token_urlsafe(32),
            created_at=now, expires_at=now + minutes * 60))
    return token


def session_staff(engine: Engine, token: Optional[str]) -> Optional[Staff]:
    if not token:
        return None
    s, st = db.sessions, db.staff
    with engine.connect() as connection:
        row = connection.execute(
            select(st.c.id, st.c.email, st.c.role, st.c.active, s.c.csrf_token, s.c.expires_at)
            .join(st, st.c.id == s.c.staff_id).where(s.c.token_hash == _hash_token(token))).first()
    if row is None or not row.active or row.expires_at < time.time():
        return None
    return Staff(row.id, row.email, row.role, row.csrf_token)


def close_session(engine: Engine, token: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(db.sessions).where(db.sessions.c.token_hash == _hash_token(token)))


def tokens_equal(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and bool(a) and secrets.compare_digest(a, b)
