"""dbt in process for the pipeline runner: one parse, then invocations that record their
phase, wall time and each node's execution time (scripts/benchmarking/run_records.py reads the record)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from dbt.contracts.graph.manifest import Manifest
    from dbt.contracts.graph.nodes import ManifestNode

PROJECT_DIR = Path(__file__).resolve().parents[1]
# Every dbt warning is an error, except a data test of severity warn: data-quality warnings
# (the data-quality mart) are findings about the data for the people who read it, not defects.
WARN_ERROR = [
    "--warn-error-options",
    '{"error": "all", "warn": ["LogTestResult", "RunResultWarning", "RunResultWarningMessage"]}',
]
RUN_RECORD = "pipeline_run.json"


class Dbt:
    """dbt in process, parsed once: ~0.4 s per invocation instead of ~4 s per process. Every
    invocation is recorded (steps): its phase, wall time and the execution time of each node,
    from dbt's own results."""

    def __init__(self) -> None:
        from dbt.cli.main import dbtRunner

        self.steps: list[dict[str, object]] = []
        started = time.monotonic()
        parsed = dbtRunner().invoke(["parse", "--quiet"])
        if not parsed.success:
            raise SystemExit(f"dbt parse failed: {parsed.exception}")
        self._record("parse", ["parse"], started, None)
        # a successful `parse` returns the Manifest (dbtRunnerResult.result is a union)
        manifest = cast("Manifest", parsed.result)
        self._runner = dbtRunner(manifest=manifest)
        self._manifest = manifest
        self.adapter_type = manifest.metadata.adapter_type

    def tagged(self, tag: str, resource_type: str) -> list[ManifestNode]:
        """The enabled nodes of a resource type that carry a tag (selectors.yml lists the
        contact history's), from the parsed manifest."""
        return [
            node
            for node in self._manifest.nodes.values()
            if node.resource_type == resource_type and tag in node.tags
        ]

    def invoke(self, phase: str, *args: str, write_json: bool = True) -> None:
        """Runs one dbt command. write_json=False spares writing manifest.json and
        run_results.json (about 1 s a command, the manifest being ~3 MB): for the steps
        before the final build, whose nodes this record keeps anyway."""
        started = time.monotonic()
        result = self._runner.invoke([*args, *([] if write_json else ["--no-write-json"])])
        self._record(phase, list(args), started, result.result)
        if not result.success:
            raise SystemExit(
                f"dbt {' '.join(args)} failed: {result.exception or 'see the log above'}"
            )

    def _record(self, phase: str, args: list[str], started: float, result: object) -> None:
        nodes = [
            {
                "unique_id": node_result.node.unique_id,
                "status": str(node_result.status),
                "seconds": round(node_result.execution_time, 3),
            }
            for node_result in getattr(result, "results", None) or []
            if getattr(node_result, "node", None) is not None
        ]
        self.steps.append(
            {
                "phase": phase,
                "args": args,
                "seconds": round(time.monotonic() - started, 3),
                "nodes": nodes,
            }
        )


def write_run_record(steps: list[dict[str, object]], path: Path) -> None:
    """The runner's steps as JSON (scripts/benchmarking/run_records.py reads its phases and node timings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"steps": steps}, indent=1) + "\n")


def run_record_path() -> Path:
    return Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target")) / RUN_RECORD
