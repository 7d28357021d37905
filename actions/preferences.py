"""What a customer has told us, as a small JSON document kept in their profile.

Budgets and sizes belong to a category (a boot budget says nothing about
laptops); brand, colour and material likes apply everywhere. Each stated
preference keeps applying until the customer changes it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from actions.understanding import Parsed

RECENT_CATEGORIES = 5
ANY_CATEGORY = "_any"   # a budget stated before any category was mentioned


def size_group(category: Optional[str], numeric_sized: bool) -> Optional[str]:
    """Shoes and boots share an EU size; other sized things keep their own."""
    if category is None:
        return None
    return "eu_shoe" if numeric_sized else category


def _add(values: List[str], item: str) -> List[str]:
    return values if item in values else values + [item]


def _drop(values: List[str], item: str) -> List[str]:
    return [v for v in values if v != item]


def apply_statements(prefs: Dict[str, Any], parsed: Parsed, category: Optional[str],
                     size_key: Optional[str], excluded_brand: Optional[str] = None) -> Dict[str, Any]:
    """Fold what this message said into the stored preferences."""
    prefs = dict(prefs)
    if category:
        recent = [c for c in prefs.get("recent_categories", []) if c != category]
        prefs["recent_categories"] = ([category] + recent)[:RECENT_CATEGORIES]
    if category and (parsed.max_price is not None or parsed.min_price is not None):
        budgets = dict(prefs.get("budgets", {}))
        budgets[category] = {"max": parsed.max_price, "min": parsed.min_price}
        prefs["budgets"] = budgets
    if parsed.size and size_key:
        sizes = dict(prefs.get("sizes", {}))
        sizes[size_key] = parsed.size
        prefs["sizes"] = sizes
    liked, disliked = list(prefs.get("brands_liked", [])), list(prefs.get("brands_disliked", []))
    for brand in parsed.excluded_brands + ([excluded_brand] if excluded_brand else []):
        disliked, liked = _add(disliked, brand), _drop(liked, brand)
    for brand in parsed.brands:
        liked, disliked = _add(liked, brand), _drop(disliked, brand)
    prefs["brands_liked"], prefs["brands_disliked"] = liked, disliked
    colours, avoided = list(prefs.get("colours_liked", [])), list(prefs.get("colours_disliked", []))
    for colour in parsed.excluded_colours:
        avoided, colours = _add(avoided, colour), _drop(colours, colour)
    for colour in parsed.colours:
        colours, avoided = _add(colours, colour), _drop(avoided, colour)
    prefs["colours_liked"], prefs["colours_disliked"] = colours, avoided
    for material in parsed.avoided_materials:
        prefs["materials_avoided"] = _add(list(prefs.get("materials_avoided", [])), material)
    if parsed.material:
        prefs["material"] = parsed.material
        prefs["materials_avoided"] = _drop(list(prefs.get("materials_avoided", [])), parsed.material)
    for key in ("style", "recipient", "purpose"):
        value = getattr(parsed, key)
        if value:
            prefs[key] = value
    return {k: v for k, v in prefs.items() if v not in (None, [], {})}


def budget_for(prefs: Dict[str, Any], category: Optional[str]) -> Dict[str, Optional[float]]:
    """The budget stated for this category, else one stated with no category."""
    budgets = prefs.get("budgets", {})
    if category and budgets.get(category):
        return dict(budgets[category])
    return dict(budgets.get(ANY_CATEGORY) or {"max": None, "min": None})


def describe(prefs: Dict[str, Any], category_name, money) -> List[str]:
    """Preferences as short phrases a customer recognises."""
    lines: List[str] = []
    for category, budget in sorted(prefs.get("budgets", {}).items()):
        parts = []
        if budget.get("min") is not None:
            parts.append(f"from {money(budget['min'])}")
        if budget.get("max") is not None:
            parts.append(f"up to {money(budget['max'])}")
        if parts:
            label = "general budget" if category == ANY_CATEGORY else f"budget for {category_name(category)}"
            lines.append(f"{label}: {' '.join(parts)}")
    for group, size in sorted(prefs.get("sizes", {}).items()):
        label = "shoe size (EU)" if group == "eu_shoe" else f"size for {category_name(group)}"
        lines.append(f"{label}: {size}")
    if prefs.get("brands_liked"):
        lines.append("brands you like: " + ", ".join(prefs["brands_liked"]))
    if prefs.get("brands_disliked"):
        lines.append("brands you'd rather avoid: " + ", ".join(prefs["brands_disliked"]))
    if prefs.get("colours_liked"):
        lines.append("colours you like: " + ", ".join(prefs["colours_liked"]))
    if prefs.get("colours_disliked"):
        lines.append("colours you avoid: " + ", ".join(prefs["colours_disliked"]))
    if prefs.get("material"):
        lines.append(f"preferred material: {prefs['material']}")
    if prefs.get("materials_avoided"):
        lines.append("materials you avoid: " + ", ".join(prefs["materials_avoided"]))
    for key, label in (("style", "style"), ("recipient", "shopping for"), ("purpose", "for")):
        if prefs.get(key):
            lines.append(f"{label}: {prefs[key]}")
    if prefs.get("recent_categories"):
        lines.append("recently looked at: " + ", ".join(category_name(c) for c in prefs["recent_categories"]))
    return lines
