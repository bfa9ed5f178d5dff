"""Registry of named benchmarks, the shared work dir, and the command line."""

import argparse
import importlib
import json
import shutil
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Modules that register benchmarks when imported; add a module name to add its benchmarks.
MODULES = [
    "benchmarks.session",
    "benchmarks.lookup",
    "benchmarks.book",
    "benchmarks.money",
    "benchmarks.close_day",
    "benchmarks.printing",
    "benchmarks.sessions",
]


class BenchmarkError(Exception):
    """A benchmark could not measure (timeout, crash, missing marker); it counts as FAIL."""


@dataclass(frozen=True)
class Result:
    """What a benchmark measured, and the baseline it is compared with (if any)."""

    measured: float
    unit: str
    baseline: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.measured / self.baseline if self.baseline else None


@dataclass(frozen=True)
class Benchmark:
    """A registered benchmark: `budget` caps the ratio if `ratio`, else the measurement."""

    name: str
    fn: Callable[[], Result]
    budget: float
    unit: str
    ratio: bool

    def ok(self, result: Result) -> bool:
        value = result.ratio if self.ratio else result.measured
        return value is not None and value <= self.budget

    def budget_text(self) -> str:
        return f"{self.budget:g}x" if self.ratio else f"{self.budget:g} {self.unit}"


REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    name: str, *, budget: float, unit: str = "x"
) -> Callable[[Callable[[], Result]], Callable[[], Result]]:
    """Register a benchmark; unit "x" makes `budget` a cap on measured/baseline."""

    def register(fn: Callable[[], Result]) -> Callable[[], Result]:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = Benchmark(name, fn, budget, unit, ratio=unit == "x")
        return fn

    return register


_work_dir: Path | None = None


def work_dir() -> Path:
    """A temp dir shared by all benchmarks of this run, removed at the end."""
    global _work_dir
    if _work_dir is None:
        _work_dir = Path(tempfile.mkdtemp(prefix="frontdesk-bench-"))
    return _work_dir


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:.1f} {unit}".strip() if abs(value) >= 10 else f"{value:.2f} {unit}".strip()


def _row(cells: list[str]) -> str:
    widths = [14, 12, 10, 12, 7, 6]
    aligned = [
        c.ljust(w) if i == 0 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    ]
    return "  ".join(aligned)


def run(names: list[str]) -> dict[str, dict[str, object]]:
    """Run benchmarks by name, printing one line each; return the JSON-ready report."""
    print(_row(["benchmark", "measured", "budget", "baseline", "ratio", "result"]), flush=True)
    report: dict[str, dict[str, object]] = {}
    for name in names:
        bench = REGISTRY[name]
        try:
            result: Result | None = bench.fn()
            error = None
        except BenchmarkError as e:
            result, error = None, str(e)
        except Exception as e:  # a crash in one benchmark is its FAIL, not the run's end
            result, error = None, f"{type(e).__name__}: {e}"
        ok = result is not None and bench.ok(result)
        ratio = result.ratio if result else None
        unit = result.unit if result else bench.unit
        measured = result.measured if result else None
        baseline = result.baseline if result else None
        cells = [name, _num(measured, unit), bench.budget_text(), _num(baseline, unit)]
        print(_row([*cells, _num(ratio), "PASS" if ok else "FAIL"]), flush=True)
        if error:
            print(textwrap.indent(error, "    "), flush=True)
        report[name] = {
            "measured": measured,
            "budget": bench.budget,
            "unit": unit,
            "baseline": baseline,
            "ratio": ratio,
            "ok": ok,
            **({"error": error} if error else {}),
        }
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: exit 0 if all PASS, 1 if any FAIL, 2 on a usage error."""
    for module in MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure frontdesk against its budgets (DESIGN.md section 6).",
    )
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"default all: {', '.join(REGISTRY)}"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write results to FILE")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in REGISTRY]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    try:
        report = run(args.names or list(REGISTRY))
    finally:
        if _work_dir is not None:
            shutil.rmtree(_work_dir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if all(r["ok"] for r in report.values()) else 1
