"""Typo correction against the catalog's own words.

A query word the catalog never uses ("matress", "pacwell") is replaced by the
closest catalog word within a small edit distance (rapidfuzz, transpositions
count as one edit), preferring the more common word; a run-together word whose
halves are both catalog words ("rainbird") is split. Words every shopper uses in
conversation ("want", "cheap", "please") are never touched: they are not in a
catalog, and nothing should be corrected into them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from embeddings.tokens import fold, raw_words, stem

CHAT_WORDS_FILE = Path(__file__).with_name("chat_words.txt")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def chat_words() -> frozenset:
    lines = CHAT_WORDS_FILE.read_text(encoding="utf-8").split()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


@dataclass(frozen=True)
class Correction:
    typed: str
    corrected: str


@dataclass(frozen=True)
class SpellingSettings:
    enabled: bool = True
    min_length: int = 4          # shorter words are too ambiguous to correct
    long_word: int = 8           # from this length two edits are allowed, below one
    min_count: int = 1           # a correction target must occur in this many products
    # Typos rarely hit a word's first letter, and a different first letter is how
    # everyday words turn into catalog words ("weather" -> "leather", "want" -> "pant").
    same_first_letter: bool = True


class Speller:
    def __init__(self, counts: Dict[str, int], settings: SpellingSettings = SpellingSettings(),
                 known: Iterable[str] = ()) -> None:
        self.counts = counts
        self.settings = settings
        self.chat = chat_words()
        self.known = set(self.chat) | {w.lower() for w in known}
        self.targets = self._by_length(counts, settings)

    @staticmethod
    def _by_length(counts: Dict[str, int], settings: SpellingSettings) -> Dict[int, List[str]]:
        """Correction targets grouped by length: a word is only compared with words
        whose length is within the edits allowed (a few thousand, not the whole vocabulary)."""
        groups: Dict[int, List[str]] = {}
        for word, count in counts.items():
            if count >= settings.min_count and len(word) >= 3:
                groups.setdefault(len(word), []).append(word)
        return groups

    @staticmethod
    def word_counts(texts_per_product: Iterable[Sequence[str]]) -> Dict[str, int]:
        """In how many products each word occurs."""
        counts: Dict[str, int] = {}
        for texts in texts_per_product:
            # the tokeniser's view of a word ("banker's" -> "banker"), letters only
            for word in {w for text in texts for raw in raw_words(text) for w in re.findall(r"[a-z]+", raw)}:
                counts[word] = counts.get(word, 0) + 1
        return counts

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.counts, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path, settings: SpellingSettings = SpellingSettings(),
             known: Iterable[str] = ()) -> "Speller":
        return cls(json.loads(path.read_text(encoding="utf-8")), settings, known)

    def with_known(self, words: Iterable[str]) -> "Speller":
        """The same speller, also leaving these words alone (the assistant's own vocabulary)."""
        speller = Speller.__new__(Speller)
        speller.counts, speller.settings, speller.targets = self.counts, self.settings, self.targets
        speller.chat = self.chat
        speller.known = self.known | {w.lower() for w in words}
        return speller

    def is_known(self, word: str) -> bool:
        return (word in self.counts or word in self.known or stem(word) in self.counts
                or stem(word) in self.known)

    def correct_word(self, word: str) -> Optional[str]:
        """The catalog word meant, or None when the word is fine or nothing is close."""
        if len(word) < self.settings.min_length or not word.isalpha() or self.is_known(word):
            return None
        split = self._split(word)
        limit = 2 if len(word) >= self.settings.long_word else 1
        nearby = [w for size in range(len(word) - limit, len(word) + limit + 1) for w in self.targets.get(size, ())
                  if not self.settings.same_first_letter or w[0] == word[0]]
        found = [item for item in process.extract(word, nearby, scorer=OSA.distance,
                                                  score_cutoff=limit, limit=50) if item[0] not in self.chat]
        if found:
            # closest first, then same first letter (typos rarely hit it), then a dropped or
            # doubled letter before a swapped one ("coner" -> "corner", not "cover"), then the commoner word
            best = min(found, key=lambda item: (item[1], item[0][0] != word[0], Indel.distance(word, item[0]),
                                                -self.counts[item[0]], item[0]))
            if split is None or best[1] == 1 and self.counts[best[0]] >= min(self.counts[p] for p in split.split()):
                return best[0]
        return split

    def _split(self, word: str) -> Optional[str]:
        best: Optional[Tuple[int, str]] = None
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            if left in self.counts and right in self.counts:
                score = min(self.counts[left], self.counts[right])
                if best is None or score > best[0]:
                    best = (score, f"{left} {right}")
        return best[1] if best else None

    def correct(self, text: str) -> Tuple[str, List[Correction]]:
        """The text with unknown words replaced, and what was replaced."""
        if not self.settings.enabled:
            return text, []
        corrections: List[Correction] = []
        pieces: List[str] = []
        last = 0
        for match in _WORD.finditer(text):
            typed = match.group(0)
            fixed = self.correct_word(fold(typed))
            if fixed is None:
                continue
            pieces += [text[last:match.start()], fixed]
            last = match.end()
            corrections.append(Correction(typed, fixed))
        pieces.append(text[last:])
        return "".join(pieces), corrections
