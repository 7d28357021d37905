"""Profile store: one place that reads and writes customer data.

Actions never touch SQL themselves; they go through this class, so the same
code runs on SQLite (embedded default) and PostgreSQL (scale-out profile).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

from sqlalchemy import create_engine, delete, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.private_files import private_sqlite
from actions.profiles.models import (Base, CartItem, Customer, CustomerType, Erasure, Feedback,
                                     ExperimentExposure, ExperimentOutcome, HandoffRequest,
                                     OrderLine, PromotionShown, Purchase, RecordedOrder, utcnow)

MAX_QUANTITY = 99


@dataclass
class CartLine:
    product_id: str
    quantity: int
    services: List[str]


@dataclass
class Profile:
    customer_id: str
    created_at: datetime
    last_seen_at: datetime
    sessions: int
    preferences: Dict[str, Any]
    liked: List[str] = field(default_factory=list)
    disliked: List[str] = field(default_factory=list)
    liked_brands: List[str] = field(default_factory=list)
    cart: List[CartLine] = field(default_factory=list)
    purchases: List[Dict[str, Any]] = field(default_factory=list)
    offers_opt_out: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.preferences or self.liked or self.disliked or self.cart or self.purchases)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")   # readers never block the writer
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class ProfileStore:
    def __init__(self, url: str) -> None:
        private_sqlite(url)                        # customers' profiles: readable by the owner only
        self.url = url
        self.engine = make_engine(url)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def _customer(self, session: Session, customer_id: str, lock: bool = False) -> Customer:
        query = select(Customer).where(Customer.id == customer_id)
        if lock:
            query = query.with_for_update()
        customer = session.scalars(query).first()
        if customer is None:
            customer = Customer(id=customer_id, preferences="{}", sessions=0)
            session.add(customer)
            session.flush()
        return customer

    # -- reading -----------------------------------------------------------
    def get(self, customer_id: str) -> Optional[Profile]:
        with self._session() as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                return None
            feedback = session.scalars(
                select(Feedback).where(Feedback.customer_id == customer_id).order_by(Feedback.created_at, Feedback.id)
            ).all()
            cart = session.scalars(
                select(CartItem).where(CartItem.customer_id == customer_id).order_by(CartItem.added_at, CartItem.id)
            ).all()
            purchases = session.scalars(
                select(Purchase).where(Purchase.customer_id == customer_id).order_by(Purchase.purchased_at)
            ).all()
            liked_brands: List[str] = []
            for f in feedback:
                if f.sentiment > 0 and f.brand and f.brand not in liked_brands:
                    liked_brands.append(f.brand)
            return Profile(
                customer_id=customer.id, created_at=customer.created_at, last_seen_at=customer.last_seen_at,
                sessions=customer.sessions, preferences=json.loads(customer.preferences or "{}"),
                liked=[f.product_id for f in feedback if f.sentiment > 0],
                disliked=[f.product_id for f in feedback if f.sentiment < 0],
                liked_brands=liked_brands,
                cart=[CartLine(c.product_id, c.quantity, [s for s in c.services.split(",") if s]) for c in cart],
                purchases=[{"product_id": p.product_id, "quantity": p.quantity, "unit_price": p.unit_price,
                            "currency": p.currency, "purchased_at": p.purchased_at.isoformat(),
                            "source": p.source} for p in purchases],
                offers_opt_out=customer.offers_opt_out,
            )

    def exists(self, customer_id: str) -> bool:
        with self._session() as session:
            return session.get(Customer, customer_id) is not None

    # -- writing -----------------------------------------------------------
    def start_session(self, customer_id: str) -> int:
        """Count a new visit; returns how many visits came before it."""
        with self._session() as session:
            customer = self._customer(session, customer_id, lock=True)
            previous = customer.sessions or 0
            customer.sessions = previous + 1
            customer.last_seen_at = utcnow()
            return previous

    def update_preferences(self, customer_id: str,
                           change: Callable[[Dict[str, Any]], Dict[str, Any]]) -> Dict[str, Any]:
        """Change the preferences; written (in one locked transaction) only when the
        change changes something or the customer is new - most turns change nothing."""
        with self._session() as session:
            stored = session.scalars(select(Customer.preferences).where(Customer.id == customer_id)).first()
            if stored is not None:
                current = json.loads(stored or "{}")
                updated = change(dict(current))
                if updated == current:
                    return updated
        with self._session() as session:
            customer = self._customer(session, customer_id, lock=True)
            current = json.loads(customer.preferences or "{}")
            updated = change(dict(current))
            customer.preferences = json.dumps(updated, sort_keys=True)
            customer.last_seen_at = utcnow()
            return updated

    def set_offers_opt_out(self, customer_id: str, opted_out: bool) -> None:
        with self._session() as session:
            self._customer(session, customer_id).offers_opt_out = opted_out

    def set_feedback(self, customer_id: str, product_id: str, sentiment: int, brand: str = "") -> None:
        with self._session() as session:
            self._customer(session, customer_id)
            row = session.scalars(select(Feedback).where(
                Feedback.customer_id == customer_id, Feedback.product_id == product_id)).first()
            if row is None:
                session.add(Feedback(customer_id=customer_id, product_id=product_id,
                                     sentiment=sentiment, brand=brand))
            else:
                row.sentiment, row.brand, row.created_at = sentiment, brand, utcnow()

    def add_to_cart(self, customer_id: str, product_id: str, quantity: int = 1) -> int:
        """Add to the cart; returns the item's new quantity."""
        quantity = max(1, min(int(quantity), MAX_QUANTITY))
        with self._session() as session:
            self._customer(session, customer_id)
            row = session.scalars(select(CartItem).where(
                CartItem.customer_id == customer_id, CartItem.product_id == product_id)).first()
            if row is None:
                row = CartItem(customer_id=customer_id, product_id=product_id, quantity=quantity, services="")
                session.add(row)
            else:
                row.quantity = min(row.quantity + quantity, MAX_QUANTITY)
            return row.quantity

    def remove_from_cart(self, customer_id: str, product_id: str) -> bool:
        with self._session() as session:
            result = session.execute(delete(CartItem).where(
                CartItem.customer_id == customer_id, CartItem.product_id == product_id))
            return result.rowcount > 0

    def add_service(self, customer_id: str, product_id: str, service_id: str) -> bool:
        """Attach a service to a cart item; False when the item is not in the cart."""
        with self._session() as session:
            row = session.scalars(select(CartItem).where(
                CartItem.customer_id == customer_id, CartItem.product_id == product_id)).first()
            if row is None:
                return False
            services = [s for s in row.services.split(",") if s]
            if service_id not in services:
                services.append(service_id)
            row.services = ",".join(services)
            return True

    def clear_cart(self, customer_id: str) -> None:
        with self._session() as session:
            session.execute(delete(CartItem).where(CartItem.customer_id == customer_id))

    def record_purchase(self, customer_id: str, product_id: str, quantity: int, unit_price: float,
                        currency: str = "EUR", source: str = "chat",
                        purchased_at: Optional[datetime] = None) -> None:
        with self._session() as session:
            self._customer(session, customer_id)
            session.add(Purchase(customer_id=customer_id, product_id=product_id, quantity=quantity,
                                 unit_price=unit_price, currency=currency, source=source,
                                 purchased_at=purchased_at or utcnow()))

    def record_order(self, ref: str, customer_id: str, lines: Sequence[Any], source: str,
                     purchased_at: Optional[datetime] = None, replaces: Optional[str] = None,
                     from_cart: bool = False) -> bool:
        """Record an order's lines (objects with product_id, quantity, unit_price,
        currency) as purchases, once per `ref`: False when that ref was recorded
        before. `replaces` names an earlier order of the same customer (the
        checkout link a completed order came from) whose purchases are removed;
        `from_cart` takes the products out of the assistant's cart."""
        when = purchased_at or utcnow()
        try:
            with self._session() as session:
                self._customer(session, customer_id)
                if session.scalars(select(RecordedOrder.id).where(RecordedOrder.ref == ref)).first() is not None:
                    return False
                rows = [Purchase(customer_id=customer_id, product_id=l.product_id, quantity=int(l.quantity),
                                 unit_price=float(l.unit_price), currency=l.currency or "EUR", source=source,
                                 purchased_at=when) for l in lines]
                session.add_all(rows)
                session.flush()
                session.add(RecordedOrder(ref=ref, customer_id=customer_id, source=source,
                                          purchase_ids=",".join(str(r.id) for r in rows)))
                if replaces:
                    earlier = session.scalars(select(RecordedOrder).where(
                        RecordedOrder.ref == replaces, RecordedOrder.customer_id == customer_id)).first()
                    if earlier is None:   # the link is followed later (or never): it records nothing then
                        session.add(RecordedOrder(ref=replaces, customer_id=customer_id, source=source,
                                                  purchase_ids="", replaced_by=ref))
                    elif not earlier.replaced_by:
                        ids = [int(i) for i in earlier.purchase_ids.split(",") if i]
                        if ids:
                            session.execute(delete(Purchase).where(Purchase.id.in_(ids)))
                        earlier.purchase_ids, earlier.replaced_by = "", ref
                if from_cart:
                    # a cart line holds the variant id when the product has variants
                    bought = {l.product_id for l in lines} | {getattr(l, "variant_id", "") for l in lines} - {""}
                    session.execute(delete(CartItem).where(
                        CartItem.customer_id == customer_id, CartItem.product_id.in_(sorted(bought))))
                return True
        except IntegrityError:   # the same ref recorded at the same moment by another request
            return False

    def recorded_order(self, ref: str) -> Optional[Dict[str, Any]]:
        with self._session() as session:
            row = session.scalars(select(RecordedOrder).where(RecordedOrder.ref == ref)).first()
            if row is None:
                return None
            return {"ref": row.ref, "customer_id": row.customer_id, "source": row.source,
                    "purchases": len([i for i in row.purchase_ids.split(",") if i]),
                    "replaced_by": row.replaced_by or None, "recorded_at": row.recorded_at}

    def replace_orders(self, lines: Sequence[Any]) -> int:
        """Store imported order lines; an invoice imported again replaces its
        earlier lines, so importing the same file twice changes nothing."""
        invoices = sorted({line.invoice for line in lines})
        with self._session() as session:
            existing = set(session.scalars(select(Customer.id)).all())
            for customer_id in sorted({line.customer_id for line in lines} - existing):
                session.add(Customer(id=customer_id, preferences="{}", sessions=0))
            session.flush()
            for start in range(0, len(invoices), 500):
                session.execute(delete(OrderLine).where(OrderLine.invoice.in_(invoices[start:start + 500])))
            session.add_all(OrderLine(customer_id=l.customer_id, invoice=l.invoice, stock_code=l.stock_code,
                                      description=l.description, quantity=l.quantity, unit_price=l.unit_price,
                                      ordered_at=l.ordered_at, country=l.country) for l in lines)
            return len(lines)

    def order_lines(self, customer_id: Optional[str] = None) -> List[OrderLine]:
        """Imported order lines (one customer's, or all), oldest first."""
        with self._session() as session:
            query = select(OrderLine).order_by(OrderLine.ordered_at, OrderLine.id)
            if customer_id is not None:
                query = query.where(OrderLine.customer_id == customer_id)
            return list(session.scalars(query).all())

    def all_purchases(self) -> List[Purchase]:
        """Every purchase made through the assistant, oldest first (for behaviour signals)."""
        with self._session() as session:
            return list(session.scalars(select(Purchase).order_by(Purchase.purchased_at, Purchase.id)).all())

    # -- customer types (kept for the console) ---------------------------------
    def set_customer_type(self, customer_id: str, customer_type: str) -> bool:
        """Keep the type last computed; True when it changed (or was not known)."""
        with self._session() as session:
            row = session.get(CustomerType, customer_id)
            if row is not None and row.customer_type == customer_type:
                return False
            if session.get(Customer, customer_id) is None:
                return False
            if row is None:
                session.add(CustomerType(customer_id=customer_id, customer_type=customer_type))
            else:
                row.customer_type, row.computed_at = customer_type, utcnow()
            return True

    def customer_types(self, customer_ids: Optional[Sequence[str]] = None) -> Dict[str, str]:
        """Known types by customer id (all, or of these customers)."""
        with self._session() as session:
            query = select(CustomerType.customer_id, CustomerType.customer_type)
            if customer_ids is not None:
                query = query.where(CustomerType.customer_id.in_(list(customer_ids)))
            return dict(session.execute(query).all())

    def customers_of_type(self, customer_type: str) -> List[str]:
        with self._session() as session:
            return list(session.scalars(select(CustomerType.customer_id).where(
                CustomerType.customer_type == customer_type).order_by(CustomerType.customer_id)).all())

    # -- promotions and experiments --------------------------------------------
    def promotion_this_session(self, customer_id: str) -> Optional[str]:
        """The promotion already shown in the customer's current conversation, if any."""
        with self._session() as session:
            return session.scalars(select(PromotionShown.promotion_id).join(
                Customer, Customer.id == PromotionShown.customer_id).where(
                PromotionShown.customer_id == customer_id,
                PromotionShown.session == func.coalesce(Customer.sessions, 0))).first()

    def record_promotion(self, customer_id: str, promotion_id: str) -> None:
        with self._session() as session:
            customer = self._customer(session, customer_id, lock=True)
            session.add(PromotionShown(customer_id=customer_id, session=customer.sessions or 0,
                                       promotion_id=promotion_id))

    def record_exposure(self, experiment: str, customer_id: str, variant: str) -> str:
        """Record the first exposure; returns the variant on record (the first one wins)."""
        with self._session() as session:
            self._customer(session, customer_id)
            row = session.scalars(select(ExperimentExposure).where(
                ExperimentExposure.experiment == experiment, ExperimentExposure.customer_id == customer_id)).first()
            if row is None:
                row = ExperimentExposure(experiment=experiment, customer_id=customer_id, variant=variant)
                session.add(row)
            return row.variant

    def record_outcome(self, experiment: str, customer_id: str, goal: str) -> bool:
        """Count a goal for an exposed customer, once; False when not exposed or already counted."""
        with self._session() as session:
            exposed = session.scalars(select(ExperimentExposure.id).where(
                ExperimentExposure.experiment == experiment, ExperimentExposure.customer_id == customer_id)).first()
            done = session.scalars(select(ExperimentOutcome.id).where(
                ExperimentOutcome.experiment == experiment, ExperimentOutcome.customer_id == customer_id,
                ExperimentOutcome.goal == goal)).first()
            if exposed is None or done is not None:
                return False
            session.add(ExperimentOutcome(experiment=experiment, customer_id=customer_id, goal=goal))
            return True

    def experiment_counts(self, experiment: Optional[str] = None) -> List[Dict[str, Any]]:
        """Per experiment, variant and goal: customers exposed and customers who reached the goal."""
        with self._session() as session:
            query = select(ExperimentExposure.experiment, ExperimentExposure.variant,
                           func.count(ExperimentExposure.id)).group_by(
                ExperimentExposure.experiment, ExperimentExposure.variant)
            if experiment:
                query = query.where(ExperimentExposure.experiment == experiment)
            exposed = {(e, v): n for e, v, n in session.execute(query).all()}
            reached = session.execute(
                select(ExperimentExposure.experiment, ExperimentExposure.variant, ExperimentOutcome.goal,
                       func.count(ExperimentOutcome.id))
                .join(ExperimentOutcome, (ExperimentOutcome.experiment == ExperimentExposure.experiment)
                      & (ExperimentOutcome.customer_id == ExperimentExposure.customer_id))
                .group_by(ExperimentExposure.experiment, ExperimentExposure.variant, ExperimentOutcome.goal)).all()
            rows = [{"experiment": e, "variant": v, "goal": g, "exposed": exposed.get((e, v), 0), "converted": n}
                    for e, v, g, n in reached if (e, v) in exposed]
            goals = {(r["experiment"], r["goal"]) for r in rows}
            for (e, v), n in exposed.items():
                for goal in sorted(g for ex, g in goals if ex == e) or [""]:
                    if not any(r["experiment"] == e and r["variant"] == v and r["goal"] == goal for r in rows):
                        rows.append({"experiment": e, "variant": v, "goal": goal, "exposed": n, "converted": 0})
            return sorted(rows, key=lambda r: (r["experiment"], r["goal"], r["variant"]))

    def record_handoff(self, customer_id: str, message: str) -> int:
        with self._session() as session:
            self._customer(session, customer_id)
            request = HandoffRequest(customer_id=customer_id, message=message[:2000], status="open")
            session.add(request)
            session.flush()
            return request.id

    def open_handoffs(self, customer_id: str) -> int:
        with self._session() as session:
            return session.scalar(select(func.count()).select_from(HandoffRequest).where(
                HandoffRequest.customer_id == customer_id, HandoffRequest.status == "open")) or 0

    def erase(self, customer_id: str) -> bool:
        """Delete everything about a customer and keep an anonymous erasure record."""
        with self._session() as session:
            existed = session.get(Customer, customer_id) is not None
            for table in (Feedback, CartItem, Purchase, RecordedOrder, CustomerType, OrderLine, PromotionShown, ExperimentExposure,
                          ExperimentOutcome, HandoffRequest):
                session.execute(delete(table).where(table.customer_id == customer_id))
            session.execute(delete(Customer).where(Customer.id == customer_id))
            session.add(Erasure())
            return existed

    def erasure_count(self) -> int:
        with self._session() as session:
            return session.scalar(select(func.count()).select_from(Erasure)) or 0

    def dispose(self) -> None:
        self.engine.dispose()
