"""The Rasa-side sentence featurizer, run in Rasa's own environment on the real ONNX
export: the same sentence vectors as sentence-transformers in the app environment,
one token vector per word token, and features (never an exception) for bad input."""
import json
import subprocess

import numpy as np
import pytest

from bot.settings import ROOT, load_settings
from bot.training import nlu_encoder_dir, rasa_env

TEXTS = ["Do you have any red dresses?", "what sizes does the brown jacket come in", "hi",
         "a sofa " * 40, "Ich suche einen roten Pullover", "Est-ce que vous avez des chaussures ?"]

BAD_INPUT = {
    "empty": "",
    "spaces": "   ",
    "ten thousand characters": "sofa " * 2000,
    "emoji only": "😀🛋️👗🔥",
    "control characters": "\x00\x01\x07 red \x1b[31m dress \x7f",
    "unknown scripts": "𓀀𓁐 ꦲꦏ᮶ ᜀᜁ 𐌰𐌱",
    "mixed scripts": "こんにちは 你好 привет مرحبا",
    "one long word": "x" * 5000,
}

SCRIPT = r"""
import json, sys, logging
import numpy as np
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
import tempfile, pathlib

from bot.rasa_plugins.sentence_featurizer import SentenceEncoderFeaturizer

errors = []
class Catch(logging.Handler):
    def emit(self, record):
        if record.levelno >= logging.WARNING and record.name.startswith("bot."):
            errors.append(record.getMessage())
logging.getLogger().addHandler(Catch())

texts = json.loads(sys.stdin.read())
storage = LocalModelStorage(pathlib.Path(tempfile.mkdtemp()))
context = ExecutionContext(GraphSchema({}), "test")
tokenizer = WhitespaceTokenizer.create(WhitespaceTokenizer.get_default_config(), storage, Resource("t"), context)
featurizer = SentenceEncoderFeaturizer.create(SentenceEncoderFeaturizer.get_default_config(), storage,
                                              Resource("f"), context)
out = []
# at serving time: one message at a time
for text in texts:
    message = Message.build(text=text)
    tokenizer.process([message])
    featurizer.process([message])
    seq, sent = message.get_dense_features(TEXT, [])
    tokens = message.get("text_tokens") or []
    out.append({"tokens": len(tokens),
                "sequence": None if seq is None else list(seq.features.shape),
                "sentence": None if sent is None else sent.features[0].tolist()})
# at training time: all at once, batched
data = TrainingData([Message.build(text=t, intent="x") for t in texts])
tokenizer.process_training_data(data)
featurizer.process_training_data(data)
batched = []
for m in data.training_examples:
    seq, sent = m.get_dense_features(TEXT, [])
    batched.append(None if sent is None else sent.features[0].tolist())
print(json.dumps({"single": out, "batched": batched, "warnings": errors}))
"""


def run_in_rasa(texts):
    settings = load_settings()
    python = str(settings.path("rasa_venv") / "bin" / "python")
    done = subprocess.run([python, "-c", SCRIPT], input=json.dumps(texts), cwd=ROOT, env=rasa_env(settings),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def featurized():
    return run_in_rasa(TEXTS + list(BAD_INPUT.values()))


def test_sentence_features_match_sentence_transformers(featurized, encoder):
    expected = encoder.encode(TEXTS)
    for index, text in enumerate(TEXTS):
        single = np.array(featurized["single"][index]["sentence"])
        batched = np.array(featurized["batched"][index])
        assert float(single @ expected[index]) > 0.999, text
        assert float(batched @ expected[index]) > 0.999, text


def test_one_token_vector_per_word(featurized):
    for index, text in enumerate(TEXTS):
        item = featurized["single"][index]
        assert item["tokens"] == len(text.split()) or item["tokens"] > 0
        assert item["sequence"] == [item["tokens"], 384]


@pytest.mark.parametrize("kind", list(BAD_INPUT))
def test_bad_input_gets_features_or_nothing_and_never_an_error(featurized, kind):
    item = featurized["single"][len(TEXTS) + list(BAD_INPUT).index(kind)]
    if item["tokens"]:
        assert item["sequence"] == [item["tokens"], 384]
        assert np.isfinite(item["sentence"]).all() and len(item["sentence"]) == 384
    else:   # nothing to featurize: Rasa's other featurizers and the fallback handle it
        assert item["sequence"] is None
    assert featurized["warnings"] == []


def test_export_is_reused_by_fingerprint():
    settings = load_settings()
    first = nlu_encoder_dir(settings)
    stamp = (first / "model.onnx").stat().st_mtime
    assert nlu_encoder_dir(settings) == first
    assert (first / "model.onnx").stat().st_mtime == stamp
    assert (first / "tokenizer.json").exists()
