"""Staff accounts, password hashing (argon2id), server-side sessions (pre-login too),
CSRF tokens derived from them, and login throttling."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from bot.console import db

ROLES = ("agent", "admin")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password")
MIN_PASSWORD = 10
MAX_DISPLAY_NAME = 60
PRELOGIN_MINUTES = 30


@dataclass(frozen=True)
class Staff:
    id: int
    email: str
    role: str
    csrf_token: str
    display_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def default_display_name(email: str) -> str:
    """A first name from the e-mail (anna.berg@... -> Anna): customers never see the address."""
    first = re.split(r"[._+\-]", normalise_email(email).split("@", 1)[0])[0]
    return first[:MAX_DISPLAY_NAME].title() or "A colleague"


def clean_display_name(name: str) -> str:
    name = " ".join(str(name or "").split())
    if len(name) > MAX_DISPLAY_NAME or "@" in name or any(ord(ch) < 32 for ch in name):
        raise AccountError(f"a display name has at most {MAX_DISPLAY_NAME} characters and no e-mail address")
    return name


def create_staff(engine: Engine, email: str, password: str, role: str,
                 by: Optional[str] = None, display_name: str = "") -> int:
    email = normalise_email(email)
    if "@" not in email or len(email) > 255:
        raise AccountError("enter a valid e-mail address")
    if role not in ROLES:
        raise AccountError("role must be agent or admin")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    name = clean_display_name(display_name) or default_display_name(email)
    with engine.begin() as connection:
        if connection.execute(select(db.staff.c.id).where(db.staff.c.email == email)).first():
            raise AccountError("an account with this e-mail exists")
        staff_id = connection.execute(insert(db.staff).values(
            email=email, password_hash=_hasher.hash(password), role=role, active=True,
            created_at=time.time(), display_name=name)).inserted_primary_key[0]
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
    """Slows password guessing without locking the owner out.

    Failed logins are counted per account-and-address and per address. After
    `max_failures` for one account from one address, each further failure there
    makes the next attempt wait, doubling from `backoff` up to `lockout` seconds;
    the same after `max_ip_failures` from one address over all accounts (guessing
    many accounts). Nothing is kept per account alone, so the owner logging in
    from their own address is never held up by someone guessing elsewhere. Counts
    are forgotten after `lockout` seconds without a failure; a success clears its
    account-and-address count.
    """

    def __init__(self, engine: Engine, max_failures: int, max_ip_failures: int, lockout_seconds: float,
                 backoff_seconds: float = 30, clock: Callable[[], float] = time.time):
        self.engine = engine
        self.limits = {"pair": int(max_failures), "ip": int(max_ip_failures)}
        self.lockout = float(lockout_seconds)
        self.backoff = float(backoff_seconds)
        self.clock = clock

    @staticmethod
    def keys(email: str, ip: str):
        return (("pair", f"pair:{email}|{ip}"), ("ip", f"ip:{ip}"))

    def wait_after(self, kind: str, count: int) -> float:
        """Seconds to wait after the count-th failure in a row (0 while still free)."""
        over = count - self.limits[kind]
        if over < 0:
            return 0.0
        return min(self.lockout, self.backoff * (2 ** min(over, 30)))

    def check(self, email: str, ip: str) -> None:
        now = self.clock()
        with self.engine.connect() as connection:
            for _, key in self.keys(email, ip):
                until = connection.execute(select(db.login_failures.c.locked_until)
                                           .where(db.login_failures.c.key == key)).scalar()
                if until and until > now:
                    raise LoginLocked(until - now)

    def failed(self, email: str, ip: str) -> None:
        now = self.clock()
        t = db.login_failures
        with self.engine.begin() as connection:
            for kind, key in self.keys(email, ip):
                row = connection.execute(select(t).where(t.c.key == key)).first()
                quiet = row is None or now - row.last_at > self.lockout
                count = 1 if quiet else row.count + 1
                wait = self.wait_after(kind, count)
                values = dict(count=count, last_at=now, locked_until=now + wait if wait else 0.0)
                if row is None:
                    connection.execute(insert(t).values(key=key, **values))
                else:
                    connection.execute(update(t).where(t.c.key == key).values(**values))
                if wait:
                    db.record_audit(connection, email if kind == "pair" else None, "login_throttled", key,
                                    f"{count} failed logins; next attempt in {int(wait)} s")

    def succeeded(self, email: str, ip: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(db.login_failures).where(
                db.login_failures.c.key == self.keys(email, ip)[0][1]))


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


def csrf_token(session_token: str, purpose: str = "console") -> str:
    """The CSRF token of a session (or pre-login session): derived from its token, which
    only the browser holds, so the database keeps neither in plain text."""
    mac = hmac.new(session_token.encode("utf-8"), f"csrf:{purpose}".encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def open_session(engine: Engine, staff_id: int, minutes: int) -> str:
    token = secrets.token_urlsafe(32)
    now = time.time()
    with engine.begin() as connection:
        connection.execute(delete(db.sessions).where(db.sessions.c.expires_at < now))
        connection.execute(insert(db.sessions).values(
            token_hash=_hash_token(token), staff_id=staff_id, csrf_token=_hash_token(csrf_token(token)),
            created_at=now, expires_at=now + minutes * 60))
    return token


def session_staff(engine: Engine, token: Optional[str]) -> Optional[Staff]:
    if not token:
        return None
    s, st = db.sessions, db.staff
    with engine.connect() as connection:
        row = connection.execute(
            select(st.c.id, st.c.email, st.c.role, st.c.active, st.c.display_name, s.c.expires_at)
            .join(st, st.c.id == s.c.staff_id).where(s.c.token_hash == _hash_token(token))).first()
    if row is None or not row.active or row.expires_at < time.time():
        return None
    return Staff(row.id, row.email, row.role, csrf_token(token),
                 row.display_name or default_display_name(row.email))


def open_prelogin(engine: Engine, minutes: float = PRELOGIN_MINUTES) -> str:
    """A pre-login session for the login form (its CSRF token is csrf_token(token, "login"))."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    with engine.begin() as connection:
        connection.execute(delete(db.login_sessions).where(db.login_sessions.c.expires_at < now))
        connection.execute(insert(db.login_sessions).values(token_hash=_hash_token(token),
                                                            expires_at=now + minutes * 60))
    return token


def prelogin_valid(engine: Engine, token: Optional[str]) -> bool:
    if not token or len(token) > 100:
        return False
    with engine.connect() as connection:
        expires = connection.execute(select(db.login_sessions.c.expires_at).where(
            db.login_sessions.c.token_hash == _hash_token(token))).scalar()
    return bool(expires and expires > time.time())


def close_prelogin(engine: Engine, token: Optional[str]) -> None:
    if token:
        with engine.begin() as connection:
            connection.execute(delete(db.login_sessions).where(
                db.login_sessions.c.token_hash == _hash_token(token)))


def close_session(engine: Engine, token: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(db.sessions).where(db.sessions.c.token_hash == _hash_token(token)))


def tokens_equal(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and bool(a) and secrets.compare_digest(a, b)
