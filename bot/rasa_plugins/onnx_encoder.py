"""all-MiniLM-L6-v2 through onnxruntime, for the Rasa server (Python 3.10, no torch).

The ONNX file and tokenizer are exported at setup by the Python 3.11 environment
(embeddings/onnx_export.py) into a directory named by the model's fingerprint;
NLU_ENCODER_DIR points at it. Nothing is downloaded.

`encode` gives, per text, one vector per subword (the transformer's output) with
the character span each subword covers, and the sentence vector (mean over the
subwords, L2-normalised: what sentence-transformers computes for this model).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
ENV_DIR = "NLU_ENCODER_DIR"
# The model was trained on at most 256 subwords (its max_seq_length): longer text is cut.
MAX_SUBWORDS = 256


@dataclass
class Encoded:
    subwords: np.ndarray                 # (n, dim): one row per subword, special tokens removed
    spans: List[Tuple[int, int]]         # character span of each subword in the text
    sentence: np.ndarray                 # (dim,)


class OnnxSentenceEncoder:
    """Loaded once per process; `encode` is thread-safe (onnxruntime sessions are)."""

    def __init__(self, directory: Optional[str] = None, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        found = directory or os.environ.get(ENV_DIR, "")
        path = Path(found)
        if not found or not (path / MODEL_FILE).exists() or not (path / TOKENIZER_FILE).exists():
            raise FileNotFoundError(
                f"no exported sentence encoder in {found or '(unset)'}: set {ENV_DIR} to the directory "
                "that `python -m bot train` exports (embeddings/onnx_export.py)")
        self.directory = path
        self._tokenizer = Tokenizer.from_file(str(path / TOKENIZER_FILE))
        self._tokenizer.enable_truncation(MAX_SUBWORDS)
        self._tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(path / MODEL_FILE), options,
                                                     providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> List[Encoded]:
        encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        # Similar lengths batched together: little padding, much less work.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        results: List[Optional[Encoded]] = [None] * len(encodings)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            for index, encoded in zip(chunk, self._run([encodings[i] for i in chunk])):
                results[index] = encoded
        return results  # type: ignore[return-value]

    def _run(self, encodings) -> List[Encoded]:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        out = []
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            vectors = hidden[row, :n]
            pooled = vectors.mean(axis=0)
            pooled = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
            special = encoding.special_tokens_mask
            keep = [i for i in range(n) if not special[i]]
            out.append(Encoded(subwords=vectors[keep].astype(np.float32),
                               spans=[tuple(encoding.offsets[i]) for i in keep],
                               sentence=pooled.astype(np.float32)))
        return out


def token_vectors(encoded: Encoded, token_spans: Sequence[Tuple[int, int]]) -> np.ndarray:
    """One vector per word token: the mean of the subwords inside its span (zeros when the
    tokenizer has none there, e.g. past the truncation or a character it drops)."""
    vectors = np.zeros((len(token_spans), encoded.subwords.shape[1] if encoded.subwords.size else
                        encoded.sentence.shape[0]), dtype=np.float32)
    if not encoded.spans:
        return vectors
    starts = np.array([s for s, _ in encoded.spans])
    ends = np.array([e for _, e in encoded.spans])
    for index, (start, end) in enumerate(token_spans):
        inside = (starts < end) & (ends > start)
        if inside.any():
            vectors[index] = encoded.subwords[inside].mean(axis=0)
    return vectors
