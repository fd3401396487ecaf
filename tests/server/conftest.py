"""Server tests. This file also puts tests/server on the import path, so test modules in the
subfolders can import the shared sample makers here (scan_samples)."""
