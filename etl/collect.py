"""Run every source reader and gather its rows, counting them per file."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from etl.errors import SourceError
from etl.progress import Progress
from etl.rows import Admission, Alias, ControlLine, MajorStrength, SchoolInfo, ScoreRank

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Collected:
    """Everything the readers yielded, by row type."""

    admissions: list[Admission] = field(default_factory=list)
    score_ranks: list[ScoreRank] = field(default_factory=list)
    control_lines: list[ControlLine] = field(default_factory=list)
    schools: list[SchoolInfo] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    strengths: list[MajorStrength] = field(default_factory=list)
    rows_per_file: Counter[str] = field(default_factory=Counter)
    skipped: dict[str, str] = field(default_factory=dict)  # path -> reason
    missing_origins: list[str] = field(default_factory=list)


def collect(root: Path, readers: list[ModuleType], progress: Progress | None = None) -> Collected:
    """Read every origin folder present under `root`; a bad file raises SourceError."""
    out = Collected()
    if progress is not None:
        progress.sources(sum((root / r.ORIGIN).is_dir() for r in readers))
    sinks: dict[type, list] = {  # type: ignore[type-arg]
        Admission: out.admissions,
        ScoreRank: out.score_ranks,
        ControlLine: out.control_lines,
        SchoolInfo: out.schools,
        Alias: out.aliases,
        MajorStrength: out.strengths,
    }
    for reader in readers:
        origin: str = reader.ORIGIN
        for rel, reason in getattr(reader, "SKIPPED", {}).items():
            out.skipped[f"{origin}/{rel}"] = reason
        if not (root / origin).is_dir():
            log.warning("source folder missing, skipped: %s", root / origin)
            out.missing_origins.append(origin)
            continue
        if progress is not None:
            progress.reading(origin)
        start = time.perf_counter()
        n = 0
        try:
            for row in reader.read(root):
                sinks[type(row)].append(row)
                out.rows_per_file[row.source_file] += 1
                n += 1
        except SourceError:
            raise
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise SourceError(root / origin, f"reader {reader.__name__} failed: {exc!r}") from exc
        seconds = time.perf_counter() - start
        log.info("read %-58s %9d rows  %5.1fs", origin, n, seconds)
        if progress is not None:
            progress.read(origin, n, seconds)
    return out
