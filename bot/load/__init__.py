"""Load, profiling and fault tooling: `make load` (python -m bot load) and
`make profile` (python -m bot profile)."""
