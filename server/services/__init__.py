"""Workflow rules in plain Python: the web layer, the API, the CLI and tests all call these."""
