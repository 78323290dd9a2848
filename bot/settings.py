"""Configuration from environment variables; a .env file in the project may supply them."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Mapping, Optional
from urllib.parse import urlparse

from bot import paths

TELEGRAM_API_DEFAULT = "https://api.telegram.org/bot"


def read_env_file(path: Path) -> Dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments are skipped; quotes are removed."""
    values: Dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


@dataclass(frozen=True)
class Settings:
    telegram_token: Optional[str]
    telegram_api_base_url: str
    webhook_url: Optional[str]
    webhook_secret: Optional[str]
    webhook_listen: str
    webhook_port: int
    data_dir: Path
    database_url: str
    staff_ids: FrozenSet[int]
    model_path: Path
    conversation_idle_minutes: float
    log_file: Optional[Path] = None
    redis_url: Optional[str] = None
    send_timeout: float = 20.0
    instance: str = "main"  # names this process's own files when several share the data folder
    # Where this process takes updates the polling receiver hands over (several processes).
    handoff_host: str = "127.0.0.1"
    handoff_port: int = 0  # any free port

    @property
    def webhook_path(self) -> str:
        """The path the webhook listens on: the public URL's path."""
        return urlparse(self.webhook_url or "").path.strip("/")

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, env_file: Path = paths.ROOT / ".env") -> "Settings":
        env = {**read_env_file(env_file), **(os.environ if environ is None else environ)}
        data_dir = Path(env.get("REDHEART_DATA_DIR") or paths.DEFAULT_DATA_DIR)
        staff = frozenset(int(part) for part in env.get("REDHEART_STAFF_IDS", "").replace(" ", "").split(",") if part)
        return cls(
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API_DEFAULT,
            webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
            webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET") or None,
            webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=int(env.get("TELEGRAM_WEBHOOK_PORT") or 8443),
            data_dir=data_dir,
            database_url=env.get("REDHEART_DATABASE_URL") or f"sqlite:///{data_dir / 'stats.sqlite3'}",
            staff_ids=staff,
            model_path=Path(env.get("REDHEART_MODEL") or paths.MODEL_FILE),
            conversation_idle_minutes=float(env.get("REDHEART_CONVERSATION_IDLE_MINUTES") or 60),
            log_file=Path(env["REDHEART_LOG_FILE"]) if env.get("REDHEART_LOG_FILE") else None,
            redis_url=env.get("REDHEART_REDIS_URL") or None,
            send_timeout=float(env.get("REDHEART_SEND_TIMEOUT") or 20),
            instance=env.get("REDHEART_INSTANCE") or "main",
            handoff_host=env.get("REDHEART_HANDOFF_HOST") or "127.0.0.1",
            handoff_port=int(env.get("REDHEART_HANDOFF_PORT") or 0),
        )
