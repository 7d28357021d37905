"""Category names and the everyday words customers use for them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Tuple, Union

import yaml

from embeddings.products import key_of


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    singular: str
    synonyms: Tuple[str, ...]
    sized: bool


def singular_of(name: str) -> str:
    """'hoodies' -> 'hoodie', 'long sleeve shirts' -> 'long sleeve shirt' (English plural -s)."""
    if name.endswith("ies") and len(name) > 4 and name[-4] not in "aeiou" and not name.endswith("dies"):
        return name[:-3] + "y"
    if name.endswith(("ches", "shes", "sses", "xes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss") and len(name) > 3:
        return name[:-1]
    return name


class CategoryVocabulary:
    def __init__(self, categories: Iterable[Category]) -> None:
        self.by_slug: Dict[str, Category] = {c.slug: c for c in categories}
        # Longest phrase first so "trail running shoes" beats "shoes".
        phrases: List[Tuple[str, str]] = []
        for category in self.by_slug.values():
            leaf = category.slug.rsplit("/", 1)[-1].replace("_", " ")
            words = {category.name, category.singular, leaf, *category.synonyms}
            phrases += [(w.lower(), category.slug) for w in words if w]
        self.phrases = sorted(set(phrases), key=lambda item: (-len(item[0]), item[0]))

    @classmethod
    def load(cls, path: Optional[Path], known: Union[Mapping[str, Tuple[str, ...]], Iterable[str]] = (),
             sized_keys: Iterable[str] = ()) -> "CategoryVocabulary":
        """Categories of the catalog (key -> path), with the optional extra names
        and synonyms of `path` (a missing file is fine)."""
        data = {}
        if path is not None and Path(path).is_file():
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        categories = []
        paths = known if isinstance(known, Mapping) else {slug: (slug,) for slug in known}
        for written, entry in (data.get("categories") or {}).items():
            slug = key_of(written)   # the file names a category by its path or its key
            if paths and slug not in paths:
                continue   # extra words for a category this catalog does not have
            entry = entry or {}
            name = str(entry.get("name") or slug.rsplit("/", 1)[-1].replace("_", " "))
            categories.append(Category(
                slug=slug, name=name, singular=str(entry.get("singular") or name),
                synonyms=tuple(str(s) for s in entry.get("synonyms") or ()),
                sized=bool(entry.get("sized", False)),
            ))
        # A shop's own catalog may bring categories the file does not describe.
        described = {c.slug for c in categories}
        sized = set(sized_keys)   # categories whose products come in sizes
        for slug, category_path in paths.items():
            if slug not in described:
                name = " ".join(category_path[-1].replace("_", " ").lower().split()) if category_path else slug
                # "hoodies" may be a "hoodie" or a "hoody": both forms are words for it.
                forms = tuple({name[:-1], singular_of(name)} - {name}) if name.endswith("s") else ()
                categories.append(Category(slug, name, singular_of(name), forms, slug in sized))
        return cls(categories)

    def name(self, slug: str) -> str:
        category = self.by_slug.get(slug)
        return category.name if category else slug.rsplit("/", 1)[-1].replace("_", " ")

    def is_sized(self, slug: str) -> bool:
        category = self.by_slug.get(slug)
        return bool(category and category.sized)
