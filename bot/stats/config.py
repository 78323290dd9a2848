"""Settings of the statistics, from the environment (a .env file in the project may supply them)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from bot import paths
from bot.settings import read_env_file


@dataclass(frozen=True)
class StatsSettings:
    retention_days: int = 90  # raw events older than this are folded into daily totals
    suppression_threshold: int = 5  # counts under this are shown as "<5"
    buffer_size: int = 10_000  # events kept in memory while the store is unreachable

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, env_file: Path = paths.ROOT / ".env") -> "StatsSettings":
        env = {**read_env_file(env_file), **(os.environ if environ is None else environ)}
        return cls(
            retention_days=int(env.get("REDHEART_RETENTION_DAYS") or cls.retention_days),
            suppression_threshold=int(env.get("REDHEART_SUPPRESSION_THRESHOLD") or cls.suppression_threshold),
            buffer_size=int(env.get("REDHEART_STATS_BUFFER") or cls.buffer_size),
        )
