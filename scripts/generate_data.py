"""Generate the synthetic landing zone (seeds/raw) and its ground truth (seeds/ground_truth).

Usage:
    python scripts/generate_data.py --out seeds [--days 90] [--contacts 3000] [--scale 1.0]
                                    [--seed 42] [--start-date 2026-01-05]

Deterministic: the same arguments give identical file contents.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.generator import generate  # noqa: E402

__all__ = ["generate", "main"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path("seeds"), help="output root (raw/ and ground_truth/ under it)")
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--contacts", type=int, default=2500)
    p.add_argument("--scale", type=float, default=1.0, help="multiplies contacts and every volume")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--start-date", type=date.fromisoformat, default=date(2026, 1, 5))
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the generator and print rows per table."""
    args = parse_args(argv)
    t0 = time.perf_counter()
    counts = generate(args.out, days=args.days, contacts=args.contacts, scale=args.scale, seed=args.seed,
                      start_date=args.start_date)
    width = max(len(k) for k in counts)
    for name, n in counts.items():
        print(f"{name:<{width}}  {n:>10,}")
    print(f"done in {time.perf_counter() - t0:.1f}s -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
