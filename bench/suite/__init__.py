"""The benchmark suite behind ``bench/run.py`` (issue #16): sections, goals, the report."""
