"""Product requests, refinements ("cheaper", "in blue", "not that brand"),
"show more", "more like #2" and stated preferences all end here: update what
we know, search, and answer with products in the same reply."""
from __future__ import annotations

import re
from dataclasses import replace
from statistics import mean
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from embeddings.catalog import Product
from actions import messages, preferences, state as slots
from actions.base import ShopAction, intent_of
from actions.recommender import recommend, taste_from_profile
from actions.behaviour.promote import promotion_for
from actions.language import foreign_language, reply_for
from actions.references import resolve
from actions.state import SearchState
from actions.understanding import Parsed

SHORT_REFINEMENT_WORDS = 7


def _numeric_sizes(runtime, category: Optional[str]) -> bool:
    sizes = {s for p in runtime.products_in(category) for s in p.sizes} if category else set()
    return bool(sizes) and all(s.replace(".", "").isdigit() for s in sizes)


def size_key(runtime, category: Optional[str]) -> Optional[str]:
    if not category or not runtime.categories.is_sized(category):
        return None
    return preferences.size_group(category, _numeric_sizes(runtime, category))


def apply_payload_entities(tracker: Tracker, parsed: Parsed) -> None:
    """Quick-reply payloads carry structured values instead of words."""
    budget = slots.entity(tracker, "budget")
    if budget:
        try:
            parsed.max_price = float(budget)
        except ValueError:
            pass
    size = slots.entity(tracker, "size")
    if size:
        parsed.size = size
    colour = slots.entity(tracker, "colour")
    if colour:
        parsed.colours = [colour.lower()]
    category = slots.entity(tracker, "category")
    if category:
        parsed.category = category


def fresh_state(runtime, parsed: Parsed, prefs: Dict[str, Any]) -> SearchState:
    category = parsed.category
    budget = preferences.budget_for(prefs, category)
    if parsed.max_price is not None or parsed.min_price is not None:
        budget = {"max": parsed.max_price, "min": parsed.min_price}
    key = size_key(runtime, category)
    size = parsed.size or (prefs.get("sizes", {}).get(key) if key else None)
    return SearchState(
        category=category, query=parsed.text.strip()[:300], max_price=budget.get("max"),
        min_price=budget.get("min"), brands=list(parsed.brands), exclude_brands=list(parsed.excluded_brands),
        colours=list(parsed.colours), size=size if key else None, features=list(parsed.features),
        recipient=parsed.recipient, audience=parsed.audience,
    )


def refined_state(runtime, current: SearchState, parsed: Parsed, shown: List[Product],
                  reference: Optional[Product], that_brand: Optional[str]) -> SearchState:
    state = replace(current, seen=[], cheaper_than=None)
    if parsed.category and parsed.category != current.category:
        state = replace(state, category=parsed.category, max_price=None, min_price=None, like_id=None,
                        below_price=None,
                        size=None if not size_key(runtime, parsed.category) else state.size)
    if reference is not None:
        state = replace(state, like_id=reference.id, category=reference.category)
    if parsed.max_price is not None or parsed.min_price is not None:
        state = replace(state, max_price=parsed.max_price, min_price=parsed.min_price, below_price=None)
    if parsed.direction == "cheaper":
        if reference is not None:
            state = replace(state, cheaper_than=reference.id)
        elif shown:
            state = replace(state, below_price=round(min(p.price for p in shown) - 0.01, 2), min_price=None)
    elif parsed.direction == "pricier":
        anchor = reference.price if reference else (max(p.price for p in shown) if shown else None)
        if anchor is not None:
            state = replace(state, min_price=round(anchor + 0.01, 2), below_price=None,
                            max_price=None if parsed.max_price is None else parsed.max_price)
    if parsed.audience:
        state = replace(state, audience=parsed.audience)
    if parsed.colours:
        state = replace(state, colours=list(parsed.colours))
    if parsed.excluded_colours:
        state = replace(state, colours=[c for c in state.colours if c not in parsed.excluded_colours])
    if parsed.brands:
        state = replace(state, brands=list(parsed.brands))
    excluded = list(parsed.excluded_brands) + ([that_brand] if that_brand else [])
    if excluded:
        state = replace(state, brands=[b for b in state.brands if b not in excluded],
                        exclude_brands=list(dict.fromkeys(state.exclude_brands + excluded)))
    if parsed.size and size_key(runtime, state.category):
        state = replace(state, size=parsed.size)
    if parsed.features:
        extra = [f for f in parsed.features if f not in state.features]
        state = replace(state, features=state.features + extra,
                        query=(state.query + " " + " ".join(extra)).strip())
    return state


_ASKING = re.compile(r"^(?:(?:hi|hello|hey)[,!]?\s+)?(?:(?:do|does) (?:you|the shop) (?:have|sell|carry|stock)|"
                     r"have you got|got|i(?:'m| am) looking for|looking for|i(?:'d| would) like|i need|i want|"
                     r"show me|can i (?:get|buy|find)|where (?:can i find|are)|any)\s+", re.I)
_ARTICLE = re.compile(r"^(?:a|an|some|any|the)\s+", re.I)


def category_by_meaning(runtime, text: str) -> Optional[str]:
    """The catalog category a request means when no category name is in it."""
    matcher = runtime.category_matcher
    if matcher is None or not text.strip():
        return None
    found = matcher.match(runtime.encoder.encode_query(text))
    return found[0] if found else None


def not_carried(runtime, text: str):
    """"We don't carry sofas": said plainly, with the closest kinds the shop does carry."""
    thing = _ARTICLE.sub("", _ASKING.sub("", text.strip().rstrip("?.! "))).strip()
    vague = not thing or len(thing.split()) > 3 or thing.split()[0].lower() in ("something", "anything", "stuff")
    keys = runtime.category_matcher.closest(runtime.encoder.encode_query(text), 3)
    names = [runtime.categories.name(k) for k in keys]
    listed = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1] if names else ""
    reply = "Sorry, we don't carry anything like that." if vague else f"Sorry, we don't carry {thing}."
    if listed:
        reply += f" The closest kinds of product we do carry are {listed}."
    buttons = [messages.payload_button(name.capitalize(), "request_product", {"category": key})
               for key, name in zip(keys, names)]
    return reply, buttons or None


def not_carried_reply(runtime, dispatcher, text: str) -> None:
    if runtime.category_matcher is None:
        dispatcher.utter_message(text="I'm not sure that's something we sell. "
                                 + messages.capabilities(runtime.example_request))
        return
    text, buttons = not_carried(runtime, text)
    dispatcher.utter_message(text=text, buttons=buttons)


class ActionRecommend(ShopAction):
    NAME = "action_recommend"

    def handle(self, runtime, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: Dict[Text, Any], intent: Optional[str] = None,
               unsure: bool = False) -> List[Dict[Text, Any]]:
        """`unsure`: the classifier was not confident (action_fallback); products
        only for a close match, otherwise the fallback's answer."""
        intent = intent or intent_of(tracker)
        customer = slots.customer_id(tracker)
        text = slots.latest_text(tracker)
        language = foreign_language(text)
        if language and intent == "request_product":
            dispatcher.utter_message(text=reply_for(language))
            return []
        parsed = runtime.parser.parse(text)
        apply_payload_entities(tracker, parsed)
        profile = runtime.store.get(customer)
        prefs = profile.preferences if profile else {}
        current = slots.search_state(tracker)
        shown_ids = slots.shown(tracker)
        shown = [p for p in (runtime.product(i) for i in shown_ids) if p is not None]

        reference = None
        if parsed.references or parsed.brand_reference or intent == "more_like":
            # A "More like this" button names its product: /more_like{"product_id": ...}
            resolved = resolve(runtime, parsed, shown_ids, slots.focus(tracker),
                               product_id=slots.entity(tracker, "product_id"))
            if resolved.problem and (parsed.references or intent == "more_like"):
                dispatcher.utter_message(text=resolved.problem)
                return []
            reference = resolved.first
        that_brand = None
        if parsed.exclude_that_brand:
            anchor = reference or runtime.product(slots.focus(tracker)) or (shown[0] if shown else None)
            that_brand = anchor.brand if anchor else None

        exclude_seen = False
        if intent == "show_more" and current is not None:
            state = replace(current, seen=list(dict.fromkeys(current.seen + shown_ids)))
            exclude_seen = True
        elif intent == "more_like" and reference is not None:
            base = current or SearchState()
            state = replace(base, like_id=reference.id, category=reference.category, seen=[],
                            cheaper_than=None, query=reference.title)
            if parsed.direction:
                state = refined_state(runtime, state, parsed, shown, reference, that_brand)
        elif current is not None and self._is_refinement(intent, parsed, current, reference, that_brand):
            state = refined_state(runtime, current, parsed, shown, reference, that_brand)
        elif intent == "state_preference" and not parsed.category:
            return self._remember_only(runtime, dispatcher, customer, parsed, prefs)
        else:
            if not parsed.category and intent == "request_product":
                parsed.category = category_by_meaning(runtime, parsed.text)
            state = fresh_state(runtime, parsed, prefs)
            if that_brand:
                state = replace(state, exclude_brands=state.exclude_brands + [that_brand])

        key = size_key(runtime, state.category)
        updated = runtime.store.update_preferences(
            customer, lambda p: preferences.apply_statements(p, parsed, state.category, key, that_brand))
        # Only the preferences (and the last-seen time) can have changed since the profile was read.
        profile = replace(profile, preferences=updated) if profile is not None else runtime.store.get(customer)
        prefs = updated
        taste = taste_from_profile(profile)
        k = max(3, min(5, int(runtime.settings.results_per_turn)))
        result = recommend(runtime, state, taste, k, exclude_seen=exclude_seen,
                           may_relax_cheaper=parsed.direction != "cheaper")

        threshold = float(runtime.settings.unsure_min_relevance if unsure else runtime.settings.min_relevance)
        if self._unanchored(state, parsed) and result.best_similarity < threshold and not result.lexical_match:
            # Nothing in the message ties it to the catalog, and nothing is close:
            # it is not a product request, so no products.
            if (unsure and _looks_like_a_search(runtime, parsed.text)) or (not unsure and intent == "request_product"):
                # A product request (or a few search-box words) for something the
                # catalog doesn't have: say so, with the closest kinds it does carry.
                not_carried_reply(runtime, dispatcher, parsed.text)
            else:
                dispatcher.utter_message(text=("Sorry, I didn't quite get that. " if unsure else
                                               "I'm not sure that's something we sell. ")
                                         + messages.capabilities(runtime.example_request))
            return []
        if not result.items:
            return self._nothing_found(runtime, dispatcher, state, exclude_seen)

        promotion, ordered = promotion_for(runtime, customer, result.items, state.category, profile)
        result = replace(result, items=ordered)
        shown_now = [p.id for p, _ in result.items]
        state = replace(state, seen=list(dict.fromkeys(state.seen + shown_now)))
        intro = self._intro(runtime, state, result.relaxed, intent, exclude_seen)
        if result.searched_for:
            intro = messages.searched_for(result.searched_for) + "\n" + intro
        question, buttons, asked = self._one_question(runtime, state, prefs)
        text = messages.products_text(result.items, intro=intro)
        if promotion is not None:
            text += "\n" + promotion.text
        if question:
            text += "\n" + question
            state = replace(state, asked=state.asked + [asked])
        dispatcher.utter_message(
            text=text, json_message=messages.products_payload(result.items, runtime.settings.shop_base_url),
            buttons=buttons or None,
        )
        events = [slots.set_shown(shown_now), SlotSet(slots.SEARCH, state.to_slot()), slots.set_focus(None)]
        if shown_ids and shown_ids != shown_now:
            # "the one you showed me before" points into these.
            events.append(SlotSet(slots.PREVIOUS, shown_ids))
        return events

    @staticmethod
    def _unanchored(state: SearchState, parsed: Parsed) -> bool:
        return not (state.category or state.like_id or state.brands or state.features or parsed.recipient
                    or parsed.gift or parsed.max_price is not None or parsed.min_price is not None)

    @staticmethod
    def _is_refinement(intent: str, parsed: Parsed, current: SearchState, reference, that_brand) -> bool:
        if intent in ("refine_results", "state_preference"):
            return not (parsed.category and parsed.category != current.category and not reference
                        and intent == "refine_results" and len(parsed.text.split()) > SHORT_REFINEMENT_WORDS)
        # "under 100" or "in blue" classified as a new request still refines the current one.
        if intent == "request_product" and not parsed.category and parsed.has_constraints:
            return len(parsed.text.split()) <= SHORT_REFINEMENT_WORDS
        return False

    @staticmethod
    def _intro(runtime, state: SearchState, relaxed: List[str], intent: str, paging: bool) -> str:
        what = runtime.categories.name(state.category) if state.category else "ideas"
        if paging:
            intro = f"Here are more {what}:"
        elif state.like_id and runtime.product(state.like_id):
            intro = f"Here are {what} similar to the {runtime.product(state.like_id).title}:"
        else:
            intro = f"Here are some {what} I'd suggest:"
        if relaxed:
            intro = f"I couldn't find any with {' and '.join(relaxed)}, so here are the closest matches:"
        return intro

    @staticmethod
    def _one_question(runtime, state: SearchState, prefs: Dict[str, Any]):
        """At most one optional question per turn, about what matters for this category."""
        category = state.category
        if not category:
            return "", [], ""
        key = size_key(runtime, category)
        if key and not state.size and "size" not in state.asked:
            sizes = sorted({s for p in runtime.products_in(category) for s in p.sizes},
                           key=lambda s: (not s.replace(".", "").isdigit(), float(s) if s.replace(".", "").isdigit() else 0, s))
            if len(sizes) > 8:
                middle = len(sizes) // 2
                sizes = sizes[max(0, middle - 4):middle + 4]
            buttons = [messages.payload_button(s, "state_preference", {"size": s}) for s in sizes]
            return "What size do you wear? (optional - I'll only show what fits)", buttons, "size"
        if state.max_price is None and "budget" not in state.asked:
            prices = sorted(p.price for p in runtime.products_in(category))
            if prices:
                marks = sorted({_round_price(prices[int(len(prices) * q)]) for q in (0.3, 0.55, 0.8)})
                buttons = [messages.payload_button(f"Under {messages.money(m)}", "state_preference",
                                                   {"budget": m}) for m in marks]
                return "Do you have a budget in mind? (optional)", buttons, "budget"
        return "", [], ""

    def _nothing_found(self, runtime, dispatcher, state: SearchState, paging: bool):
        what = runtime.categories.name(state.category) if state.category else "products"
        if paging:
            text = f"That's everything I have in {what} that fits what you asked for."
        elif state.below_price is not None or state.cheaper_than:
            text = (f"Those were already the cheapest {what} that fit what you asked. "
                    "Would you like to loosen another wish?")
        elif state.max_price is not None:
            text = (f"I couldn't find {what} under {messages.money(state.max_price)} that fit everything you asked. "
                    "Would you like to raise the budget or loosen another wish?")
        else:
            text = f"I couldn't find {what} that fit everything you asked. Could you loosen one of your wishes?"
        dispatcher.utter_message(text=text)
        return [SlotSet(slots.SEARCH, state.to_slot())]

    def _remember_only(self, runtime, dispatcher, customer: str, parsed: Parsed, prefs):
        """A preference with no search going on: remember it and ask what to look for."""
        before = prefs
        if parsed.max_price is not None or parsed.min_price is not None:
            runtime.store.update_preferences(customer, lambda p: {**p, "budgets": {
                **p.get("budgets", {}), preferences.ANY_CATEGORY: {"max": parsed.max_price, "min": parsed.min_price}}})
        size_group = "eu_shoe" if parsed.size and parsed.size.replace(".", "").isdigit() else None
        after = runtime.store.update_preferences(
            customer, lambda p: preferences.apply_statements(p, parsed, None, size_group))
        noted = [line for line in preferences.describe(after, runtime.categories.name, messages.money)
                 if line not in preferences.describe(before, runtime.categories.name, messages.money)]
        text = ("Noted: " + "; ".join(noted) + ". " if noted else "Thanks, noted. ") + \
            "What are you shopping for today?"
        dispatcher.utter_message(text=text)
        return []


_OPENERS = {"i", "i'm", "im", "can", "could", "would", "what", "how", "why", "who", "when", "where", "is", "are",
            "do", "does", "please", "tell", "show", "hi", "hello", "hey", "yes", "no", "ok", "thanks"}


def _looks_like_a_search(runtime, text: str) -> bool:
    """Up to six words, no question, no opener, mostly real words (the encoder's own
    vocabulary): what people type in a search box, not a keyboard mash."""
    words = text.lower().split()
    if not 0 < len(words) <= 6 or words[0] in _OPENERS or "?" in text:
        return False
    alphabetic = [w.strip(".,!;:'\"()") for w in words if any(ch.isalpha() for ch in w)]
    known = runtime.known_words()
    return bool(alphabetic) and sum(w in known for w in alphabetic) * 2 >= len(alphabetic)


def _round_price(value: float) -> int:
    step = 10 if value < 200 else 50 if value < 1000 else 100
    return int(max(step, round(value / step) * step))


def looks_like_refinement(runtime, tracker: Tracker) -> bool:
    """A short critique ("no Auralis please", "in blue") that the classifier
    filed under another intent, while a search is going on."""
    text = slots.latest_text(tracker)
    if slots.search_state(tracker) is None or not text or len(text.split()) > SHORT_REFINEMENT_WORDS:
        return False
    parsed = runtime.parser.parse(text)
    return bool(parsed.excluded_brands or parsed.exclude_that_brand or parsed.colours or parsed.excluded_colours
                or parsed.direction or parsed.size or parsed.brands or parsed.max_price is not None
                or parsed.min_price is not None)
