"""Answers for the messages the classifier isn't sure of (issue 12, section 3), on the
real runtime: a low-confidence message naming something sold gets products, questions
no attribute answers are answered from the product's own description, and a message
in another language gets a short answer in English naming the language."""
import pytest

from actions.description_answers import description_sentences
from actions.fallback import ActionFallback
from actions.language import foreign_language
from actions.product_info import ActionProductDetails
from actions.recommend import ActionRecommend


@pytest.mark.parametrize("text, language", [
    ("Hola, busco unos zapatos rojos", "Spanish"), ("je cherche une robe noire pour ce soir", "French"),
    ("Ich suche einen warmen Pullover", "German"), ("vorrei delle scarpe da corsa", "Italian"),
    ("Olá, procuro uma mochila", "Portuguese"), ("我想买一件红色的连衣裙", "Chinese"),
    ("こんにちは、靴を探しています", "Japanese"), ("Привет, мне нужен диван", "Russian"),
    ("مرحبا، أريد حقيبة", "Arabic"), ("안녕하세요 가방을 찾고 있어요", "Korean"), ("bonjour", "French"),
])
def test_other_languages_are_named(text, language):
    assert foreign_language(text) == language


@pytest.mark.parametrize("text", [
    "do you have any espadrilles?", "a sofa for the living room", "I want a mesa de centro",
    "the la-z-boy recliner", "Is the Bella Vista one in stock?", "café au lait mugs", "hi", "",
    "🙂🙂", "1234", "thanks, that's all",
])
def test_english_messages_with_foreign_names_are_english(text):
    assert foreign_language(text) is None


def test_foreign_message_gets_a_polite_english_answer_not_products(conversation):
    conversation.run(ActionFallback, "Hola, busco unos zapatos para correr", "nlu_fallback")
    assert "Spanish" in conversation.text() and "English" in conversation.text()
    assert conversation.products() == []
    conversation.run(ActionRecommend, "je cherche des chaussures de randonnée", "request_product")
    assert "French" in conversation.text() and conversation.products() == []


def test_unsure_message_naming_a_kind_of_product_gets_products(conversation, runtime):
    conversation.run(ActionFallback, "hiking boots for my dad maybe?", "nlu_fallback")
    products = conversation.products()
    assert products and {p["category"].rsplit("/", 1)[-1] for p in products} == {"hiking_boots"}


def test_unsure_message_naming_a_brand_gets_its_products(conversation, runtime):
    brand = sorted({p.brand for p in runtime.products.values()})[0]
    conversation.run(ActionFallback, f"hmm {brand} stuff?", "nlu_fallback")
    products = conversation.products()
    assert products and any(p["brand"] == brand for p in products)


def test_unsure_gibberish_still_gets_the_way_forward(conversation):
    conversation.run(ActionFallback, "blorp zindle quax", "nlu_fallback")
    assert conversation.products() == [] and "didn't quite get" in conversation.text()


def _ask(conversation, question, runtime, position=1):
    conversation.run(ActionRecommend, "running shoes", "request_product")
    shown = conversation.products()
    conversation.run(ActionProductDetails, question, "ask_product_detail")
    return runtime.product(shown[position - 1]["id"]), conversation.messages[0]["text"]


def test_question_no_attribute_answers_is_answered_from_the_description(conversation, runtime):
    product, reply = _ask(conversation, "what's the heel-to-toe drop of the first one?", runtime)
    sentences = description_sentences(product)
    quoted = [s for s in sentences if f'"{s}"' in reply]
    assert "description" in reply.splitlines()[0]
    if any("drop" in s for s in sentences):
        assert quoted and any("drop" in s for s in quoted)


def test_question_the_description_does_not_answer_says_so(conversation, runtime):
    product, reply = _ask(conversation, "is the second one suitable for artificial turf?", runtime, position=2)
    first_line = reply.splitlines()[0]
    quoted = [s for s in description_sentences(product) if f'"{s}"' in first_line]
    # Either the closest sentences, quoted word for word, or a plain "doesn't say".
    assert quoted or "doesn't say" in first_line


def test_request_for_something_not_carried_names_the_closest_kinds(conversation, runtime):
    carried = {p.category for p in runtime.products.values()}
    conversation.run(ActionRecommend, "a grand piano", "request_product")
    reply = conversation.messages[0]
    assert conversation.products() == [] and "don't carry" in reply["text"]
    kinds = [b["payload"] for b in reply.get("buttons") or []]
    assert len(kinds) == 3 and all(k.startswith("/request_product") for k in kinds)
    assert all(any(f'"{slug}"' in k for slug in carried) for k in kinds)


def test_unsure_search_box_words_get_the_closest_kinds(conversation, runtime):
    carried = {p.category for p in runtime.products.values()}
    conversation.run(ActionFallback, "velvet chaise lounge", "nlu_fallback")
    reply = conversation.messages[0]
    if not conversation.products():
        assert "don't carry" in reply["text"]
        assert all(any(f'"{slug}"' in b["payload"] for slug in carried) for b in reply["buttons"])
