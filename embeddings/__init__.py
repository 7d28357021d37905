"""Product catalog, sentence encoder and FAISS index."""
