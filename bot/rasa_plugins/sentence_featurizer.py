"""Dense features from a pretrained sentence encoder for DIET (Rasa 3.6 component).

Per message: one vector per word token (the mean of the encoder's subword vectors
inside that token) as sequence features, and the sentence vector as the sentence
feature, next to the sparse word and character n-gram features. The encoder is
all-MiniLM-L6-v2 through onnxruntime (bot/rasa_plugins/onnx_encoder.py), loaded
once per process and shared by every instance of the component.

Bad input never raises: text the tokenizer cannot read still gets (zero) token
vectors of the right shape, and an encoder failure on one message logs a warning
and leaves that message with zero features rather than stopping Rasa.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_plugins.onnx_encoder import Encoded, OnnxSentenceEncoder, token_vectors

logger = logging.getLogger(__name__)

_ENCODERS: Dict[str, OnnxSentenceEncoder] = {}
_ENCODERS_LOCK = threading.Lock()


def shared_encoder(directory: Optional[str], threads: int) -> OnnxSentenceEncoder:
    """One encoder per directory and process (training and serving build several graphs)."""
    key = f"{directory or ''}:{threads}"
    with _ENCODERS_LOCK:
        if key not in _ENCODERS:
            _ENCODERS[key] = OnnxSentenceEncoder(directory, threads=threads)
        return _ENCODERS[key]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """all-MiniLM-L6-v2 token and sentence features for DIET."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # Directory with model.onnx and tokenizer.json; empty: $NLU_ENCODER_DIR.
            "encoder_dir": "",
            "threads": 1,
            "batch_size": 32,
        }

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["onnxruntime", "tokenizers"]

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEncoderFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._encoder = shared_encoder(self._config["encoder_dir"] or None, int(self._config["threads"]))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        todo = [m for m in messages if m.get(TOKENS_NAMES[TEXT])]
        if not todo:
            return messages
        texts = [m.get(TEXT) or "" for m in todo]
        try:
            encoded = self._encoder.encode(texts, batch_size=int(self._config["batch_size"]))
        except Exception:  # one bad batch must not stop training or serving
            logger.warning("sentence encoder failed on a batch; encoding its messages one by one", exc_info=True)
            encoded = [self._encode_one(text) for text in texts]
        for message, result in zip(todo, encoded):
            self._add(message, result)
        return messages

    def _encode_one(self, text: str) -> Encoded:
        try:
            return self._encoder.encode([text])[0]
        except Exception:
            logger.warning("sentence encoder failed on a message; it gets zero dense features", exc_info=True)
            dim = self._encoder.dimension
            return Encoded(subwords=np.zeros((0, dim), dtype=np.float32), spans=[],
                           sentence=np.zeros(dim, dtype=np.float32))

    def _add(self, message: Message, encoded: Encoded) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        sequence = token_vectors(encoded, [(t.start, t.end) for t in tokens])
        self.add_features_to_message(sequence=sequence, sentence=encoded.sentence.reshape(1, -1),
                                     attribute=TEXT, message=message)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass
