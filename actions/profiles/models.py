"""Tables of the profile store (SQLAlchemy; SQLite by default, PostgreSQL by URL)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (Boolean, DateTime, Float, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    # Stated preferences as a JSON document (see Preferences in store.py).
    preferences: Mapped[str] = mapped_column(Text, default="{}")
    offers_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("customer_id", "product_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(String(255))
    sentiment: Mapped[int] = mapped_column(Integer)  # +1 liked, -1 disliked
    brand: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CartItem(Base):
    __tablename__ = "cart_items"
    __table_args__ = (UniqueConstraint("customer_id", "product_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    # Service ids chosen for this item, comma separated.
    services: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Purchase(Base):
    __tablename__ = "purchases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_price: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    purchased_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(32), default="chat")


class RecordedOrder(Base):
    """A checkout link followed or an order the shop reported completed: recorded
    once per reference ("link:<ref>", "shop:<order id>"), with the purchases it made."""
    __tablename__ = "recorded_orders"
    __table_args__ = (UniqueConstraint("ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(String(255))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    # Ids of the purchases rows it made, comma separated (a completed order
    # replaces those of the link it came from).
    purchase_ids: Mapped[str] = mapped_column(Text, default="")
    replaced_by: Mapped[str] = mapped_column(String(255), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CustomerType(Base):
    """The customer's type as last computed (actions/behaviour/known_types.py), for
    the support console's list; the assistant itself recomputes it from the history."""
    __tablename__ = "customer_types"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    customer_type: Mapped[str] = mapped_column(String(64), index=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OrderLine(Base):
    """One line of an imported order (python -m bot import-orders).

    Cancellation lines keep their negative quantity, so a customer's net
    quantity of a product is the plain sum over their lines.
    """
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    invoice: Mapped[str] = mapped_column(String(64), index=True)
    stock_code: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[float] = mapped_column(Float)
    ordered_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    country: Mapped[str] = mapped_column(String(64), default="")


class PromotionShown(Base):
    """A promotion shown in a conversation (session): at most one per session."""
    __tablename__ = "promotions_shown"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    session: Mapped[int] = mapped_column(Integer)
    promotion_id: Mapped[str] = mapped_column(String(64))
    shown_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ExperimentExposure(Base):
    """The variant a customer saw in an experiment (first exposure only)."""
    __tablename__ = "experiment_exposures"
    __table_args__ = (UniqueConstraint("experiment", "customer_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    experiment: Mapped[str] = mapped_column(String(64), index=True)
    variant: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    exposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ExperimentOutcome(Base):
    """A goal reached (e.g. "purchase") by an exposed customer; counted once per goal."""
    __tablename__ = "experiment_outcomes"
    __table_args__ = (UniqueConstraint("experiment", "customer_id", "goal"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    experiment: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    goal: Mapped[str] = mapped_column(String(64))
    reached_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class HandoffRequest(Base):
    __tablename__ = "handoff_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Erasure(Base):
    """Anonymous proof that an erasure happened: no customer id, nothing else."""
    __tablename__ = "erasures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    erased_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
