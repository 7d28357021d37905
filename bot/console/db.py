"""The console's own tables, and a read-only view of Rasa's tracker `events` table."""
from __future__ import annotations

import time
from typing import Any, Optional

from sqlalchemy import (Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table,
                        Text, create_engine, event, insert, inspect, text)
from sqlalchemy.engine import Engine

from bot.private_files import private_sqlite
from bot.settings import ROOT

metadata = MetaData()

staff = Table(
    "console_staff", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(255), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),  # agent | admin
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", Float, nullable=False),
    # What customers see when this person writes to them (never the e-mail).
    Column("display_name", String(100)),
)

# Sessions and their CSRF tokens are kept as SHA-256 hashes only: the cookie holds
# the session token, and the CSRF token is derived from it (auth.csrf_token).
sessions = Table(
    "console_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("staff_id", Integer, ForeignKey("console_staff.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),       # SHA-256 of the CSRF token
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

# Pre-login sessions: the login form's CSRF token belongs to one of these (issued
# with the form, used once).
login_sessions = Table(
    "console_login_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("expires_at", Float, nullable=False, index=True),
)

# Failed logins per key ("pair:<account>|<address>" or "ip:<address>").
login_failures = Table(
    "console_login_failures", metadata,
    Column("key", String(300), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("last_at", Float, nullable=False),
    Column("locked_until", Float, nullable=False, default=0.0),
)

audit = Table(
    "console_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False, index=True),
    Column("staff_email", String(255)),
    Column("action", String(64), nullable=False),
    Column("target", String(300)),
    Column("detail", Text),
)

tags = Table(
    "console_tags", metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("tag", String(64), primary_key=True, index=True),
    Column("created_at", Float, nullable=False),
    Column("staff_email", String(255)),
)

notes = Table(
    "console_notes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("staff_email", String(255)),
)

# A customer message marked as misunderstood, with the intent it should have had.
misunderstood = Table(
    "console_misunderstood", metadata,
    Column("event_id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("predicted_intent", String(255)),
    Column("correct_intent", String(255), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("staff_email", String(255)),
)

# One row per conversation, kept up to date from the tracker's events
# (incrementally, by event id), so lists, search and filters never scan events.
conversations = Table(
    "console_conversations", metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("first_event_id", Integer),
    Column("last_event_id", Integer),
    Column("started_at", Float),
    Column("last_at", Float, index=True),
    Column("channel", String(64)),
    Column("user_messages", Integer, nullable=False, default=0),
    Column("bot_messages", Integer, nullable=False, default=0),
    Column("products_shown", Boolean, nullable=False, default=False),
    Column("details", Boolean, nullable=False, default=False),
    Column("added_to_cart", Boolean, nullable=False, default=False),
    Column("checkout", Boolean, nullable=False, default=False),
    Column("handoff", Boolean, nullable=False, default=False),
    Column("fallback", Boolean, nullable=False, default=False),
    Column("fallback_messages", Integer, nullable=False, default=0),
    Column("erased", Boolean, nullable=False, default=False),
    # Waiting for (or talking to) a person: the last pause was not followed by a
    # resume or a new session. handoff_at: when the pause began.
    Column("paused", Boolean, nullable=False, default=False, index=True),
    Column("handoff_at", Float),
    Column("events_seen", Integer, nullable=False, default=0),
    Column("last_text", Text),
    Column("search_text", Text),  # lower-cased customer messages, for search
)
Index("ix_console_conversations_channel_last", conversations.c.channel, conversations.c.last_at)

# Who from the staff has taken a paused conversation (one row while it is claimed).
handoffs = Table(
    "console_handoffs", metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("claimed_by", String(255), nullable=False),
    Column("claimed_at", Float, nullable=False),
)

sync_state = Table(
    "console_sync_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("last_event_id", Integer, nullable=False),
    Column("event_count", Integer, nullable=False),
)

# Rasa's SQLTrackerStore table, as Rasa 3.6 creates it (read only, except by tests and the benchmark).
tracker_metadata = MetaData()
events = Table(
    "events", tracker_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def absolute_sqlite_url(url: str) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        return prefix + str(ROOT / url[len(prefix):])
    return url


def tracker_url(settings: Any) -> str:
    """The tracker store's SQLAlchemy URL: explicit, or built like Rasa builds it."""
    if settings.console_tracker_db_url:
        return absolute_sqlite_url(settings.console_tracker_db_url)
    dialect = settings.tracker_db_dialect or "sqlite"
    if dialect == "sqlite":
        return f"sqlite:///{settings.tracker_db_name}"
    from sqlalchemy.engine import URL

    driver = "postgresql+psycopg2" if dialect in ("postgresql", "postgres") else dialect
    return URL.create(driver, username=settings.tracker_db_user or None,
                      password=settings.tracker_db_password or None,
                      host=settings.tracker_db_host or None,
                      port=int(settings.tracker_db_port) if settings.tracker_db_port else None,
                      database=settings.tracker_db_name).render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        private_sqlite(url)                      # staff accounts and customers' words: owner only
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, record):  # pragma: no cover - trivial
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def create_console_tables(engine: Engine) -> None:
    _drop_outdated_summaries(engine)
    metadata.create_all(engine)
    _add_staff_display_name(engine)


def _add_staff_display_name(engine: Engine) -> None:
    """Accounts made before display names existed get the column (empty: derived from the e-mail)."""
    if "display_name" not in {column["name"] for column in inspect(engine).get_columns(staff.name)}:
        with engine.begin() as connection:
            connection.execute(text(f"ALTER TABLE {staff.name} ADD COLUMN display_name VARCHAR(100)"))


def _drop_outdated_summaries(engine: Engine) -> None:
    """The summaries are derived from the tracker store: when an upgrade adds a
    column, they are dropped and rebuilt by the next sync instead of migrated."""
    found = inspect(engine)
    if not found.has_table(conversations.name):
        return
    present = {column["name"] for column in found.get_columns(conversations.name)}
    if present == {column.name for column in conversations.columns}:
        return
    conversations.drop(engine)
    sync_state.drop(engine, checkfirst=True)


def record_audit(connection, staff_email: Optional[str], action: str, target: str = "",
                 detail: str = "") -> None:
    connection.execute(insert(audit).values(at=time.time(), staff_email=staff_email, action=action,
                                            target=target, detail=detail))
