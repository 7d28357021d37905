"""Export the sentence encoder to ONNX for the Rasa server's featurizer.

The Rasa environment (Python 3.10) has no torch; it runs the same model through
onnxruntime. This module (Python 3.11, torch + transformers) exports the installed
model package once into `<nlu_encoder_cache_dir>/<fingerprint>/` (model.onnx and
tokenizer.json) and reuses it while the model does not change. Nothing is downloaded.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from embeddings.encoder import model_fingerprint, resolve_model_dir

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
OPSET = 17


def encoder_dir(cache_dir: Path, model_name: str) -> Path:
    """Where the export of this model lives (named by its content fingerprint)."""
    source = resolve_model_dir(model_name)
    return Path(cache_dir) / f"{model_name.replace('/', '_')}-{model_fingerprint(source)}"


def is_exported(directory: Path) -> bool:
    return (directory / MODEL_FILE).is_file() and (directory / TOKENIZER_FILE).is_file()


def export(model_name: str, target: Path) -> Path:
    """Write model.onnx (input_ids, attention_mask, token_type_ids -> last hidden state)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel

    class HiddenStates(torch.nn.Module):
        """Keyword arguments in, last hidden state out: a stable signature to trace."""

        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    source = resolve_model_dir(model_name)
    model = HiddenStates(AutoModel.from_pretrained(str(source), local_files_only=True,
                                                   attn_implementation="eager"))
    model.eval()
    sample = torch.ones((2, 8), dtype=torch.int64)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written next to the target and renamed, so a half-written export is never used.
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        with torch.no_grad():
            torch.onnx.export(
                model, (sample, sample, torch.zeros_like(sample)), str(staging / MODEL_FILE),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={name: {0: "batch", 1: "sequence"} for name in
                              ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")},
                opset_version=OPSET, dynamo=False)
        shutil.copy(source / TOKENIZER_FILE, staging / TOKENIZER_FILE)
        staging.chmod(0o755)   # mkdtemp makes it private; other users' Rasa servers read it
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def ensure_exported(cache_dir: Path, model_name: str) -> Path:
    target = encoder_dir(cache_dir, model_name)
    if not is_exported(target):
        print(f"exporting the sentence encoder for the NLU to {target} ...", flush=True)
        export(model_name, target)
    return target
