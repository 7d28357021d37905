"""Measuring and feeding the NLU: the shared measurement sets, batch parsing with a
trained model, and the generated training data. Importable from both environments
(standard library only at package level)."""
