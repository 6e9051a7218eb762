"""The daily build as a Dagster code location (optional extra: requirements-orchestration.txt).

Load it with `dagster dev -m orchestration.definitions` from the project directory."""
