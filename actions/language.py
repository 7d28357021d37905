"""Which language a message is in, when it is clearly not English.

The classifier and the product search only understand English. A message in
another language gets a short polite answer in English naming the language the
assistant speaks, instead of a fallback that offers products. Detection is
deliberately cautious: a writing system other than Latin, or several common
words of one other language and fewer of English. Brand and product names in a
foreign language ("croissant", "espadrilles") do not trigger it.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Dict, Optional

# Unicode character-name prefixes of writing systems, and the language to name.
SCRIPTS = (("HIRAGANA", "Japanese"), ("KATAKANA", "Japanese"), ("HANGUL", "Korean"),
           ("CJK", "Chinese"), ("CYRILLIC", "Russian"), ("ARABIC", "Arabic"), ("HEBREW", "Hebrew"),
           ("GREEK", "Greek"), ("DEVANAGARI", "Hindi"), ("THAI", "Thai"), ("BENGALI", "Bengali"),
           ("TAMIL", "Tamil"), ("GEORGIAN", "Georgian"), ("ARMENIAN", "Armenian"), ("ETHIOPIC", "Amharic"),
           ("GUJARATI", "Gujarati"), ("GURMUKHI", "Punjabi"), ("TELUGU", "Telugu"), ("KANNADA", "Kannada"),
           ("MALAYALAM", "Malayalam"), ("KHMER", "Khmer"), ("LAO", "Lao"), ("MYANMAR", "Burmese"))

# Short, frequent words that are distinctive for each language (not English words).
COMMON_WORDS: Dict[str, frozenset] = {
    "Spanish": frozenset("hola gracias quiero busco tienen tienes tiene para por favor una unos unas los las "
                         "del el es está estoy necesito zapatos camisa vestido precio cuánto cuanto qué que "
                         "dónde donde buenos buenas días tardes noches con sin más muy pero también hay "
                         "puedo puede comprar barato barata rojo roja azul negro negra grande pequeño".split()),
    "French": frozenset("bonjour merci je cherche voudrais vous avez est une des les pour avec sans "
                        "chaussures robe chemise prix combien où le la du au aux et très mais aussi il elle "
                        "nous c'est pas acheter bonsoir salut rouge bleu noir grand petit s'il plaît svp "
                        "j'ai je suis quel quelle".split()),
    "German": frozenset("hallo danke ich suche möchte haben sie ist eine einen ein der die das für mit ohne "
                        "schuhe kleid hemd preis wie viel wo und sehr aber auch nicht kaufen guten tag morgen "
                        "abend rot blau schwarz groß klein bitte gibt es habt brauche".split()),
    "Italian": frozenset("ciao grazie cerco vorrei avete è una uno degli delle per con senza scarpe vestito "
                         "camicia prezzo quanto dove il lo gli e molto ma anche non comprare buongiorno "
                         "buonasera rosso blu nero grande piccolo favore sono ho".split()),
    "Portuguese": frozenset("olá ola obrigado obrigada procuro quero vocês têm tem uma um os as para com sem "
                            "sapatos vestido camisa preço quanto onde e muito mas também não comprar bom dia "
                            "boa tarde noite vermelho azul preto grande pequeno por favor estou preciso".split()),
    "Dutch": frozenset("hallo dank bedankt ik zoek wil graag hebben jullie heeft een het de voor met zonder "
                       "schoenen jurk overhemd prijs hoeveel waar en heel maar ook niet kopen goedemorgen "
                       "goedemiddag rood blauw zwart groot klein alstublieft alsjeblieft".split()),
}
ENGLISH_WORDS = frozenset("i you we the a an is are am do does have has any some for with without in on of "
                          "to and or but not please can could would want need looking find show me my this "
                          "that it what which how much where hi hello thanks".split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _script_language(text: str) -> Optional[str]:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    counts: Dict[str, int] = {}
    for ch in letters:
        name = unicodedata.name(ch, "")
        for prefix, language in SCRIPTS:
            if name.startswith(prefix):
                counts[language] = counts.get(language, 0) + 1
                break
    if not counts:
        return None
    language, count = max(counts.items(), key=lambda item: item[1])
    if "Japanese" in counts and language == "Chinese":
        language = "Japanese"       # Japanese mixes kana with kanji
    return language if sum(counts.values()) / len(letters) >= 0.5 else None


def foreign_language(text: str) -> Optional[str]:
    """The language's English name when the message is clearly not in English, else None."""
    text = (text or "")[:2000]
    by_script = _script_language(text)
    if by_script:
        return by_script
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return None
    english = sum(w in ENGLISH_WORDS for w in words)
    scores = {lang: sum(w in vocabulary for w in words) for lang, vocabulary in COMMON_WORDS.items()}
    language, score = max(scores.items(), key=lambda item: item[1])
    if len(words) == 1:
        return language if score == 1 and english == 0 and words[0] in _GREETINGS else None
    if score >= 2 and score > english and score / len(words) >= 0.34:
        return language
    return None


_GREETINGS = frozenset("hola gracias bonjour merci bonsoir salut hallo danke ciao grazie buongiorno olá obrigado "
                       "obrigada bedankt".split())


def reply_for(language: str) -> str:
    return (f"Sorry, I can only chat in English - it looks like you wrote in {language}. "
            "Could you tell me in English what you're looking for? For example: \"a red dress in size M\".")
