"""The project's one entry point: python -m scripts COMMAND [options of the command].

Each command is the `main(argv)` of an existing module, which parses its own options
(`python -m scripts COMMAND --help`); the old script paths keep working.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROG = "python -m scripts"


@dataclass(frozen=True)
class Command:
    module: str  # imported only when the command runs
    fixed_args: tuple[str, ...] = ()  # put before the user's arguments
    summary: str = ""  # instead of the module docstring's first line


COMMANDS: dict[str, Command] = {
    "build": Command("scripts.run_pipeline"),
    "rebuild": Command(
        "scripts.run_pipeline",
        ("--full-rebuild",),
        "build --full-rebuild: delete the DuckDB warehouse, then build from every file.",
    ),
    "publish": Command("scripts.publish_serving"),
    "report": Command("scripts.dashboard.__main__"),
    "bench": Command("scripts.benchmark"),
    "generate": Command("scripts.generate_data"),
    "contract": Command("scripts.contract_files"),
}


def summary(command: Command) -> str:
    """The command's one line: the first line of its module's docstring, read without
    importing the module (dbt, pyarrow and duckdb stay unloaded for --help)."""
    if command.summary:
        return command.summary
    relative = Path(*command.module.split("."))
    path = PROJECT_DIR / relative.with_suffix(".py")
    if not path.exists():
        path = PROJECT_DIR / relative / "__init__.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=f"Options of a command: {PROG} COMMAND --help",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        sub.add_parser(name, help=summary(command), add_help=False)
    return p


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # only the command name is ours; everything after it belongs to the command's own parser
    name = parser().parse_args(args[:1]).command
    command = COMMANDS[name]
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    if argv is None:  # the command's argparse names itself after sys.argv[0] in its usage
        sys.argv[0] = f"{PROG} {name}"
    module = importlib.import_module(command.module)
    result: int = module.main([*command.fixed_args, *args[1:]])
    return result


if __name__ == "__main__":
    raise SystemExit(main())
