"""Runtime around Rasa: settings, launcher, training cache, benchmarks.

Keep this package importable from both environments (Python 3.10 with Rasa and
Python 3.11 with the action server): no heavy imports at package level.
"""
