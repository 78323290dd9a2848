"""A throwaway Redis server for the tests: Debian's redis-server (installed when missing) on a
free port on loopback, with nothing written to disk, stopped at the end."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.postgres_server import free_port
from tests.system_packages import ensure


class RedisServer:
    def __init__(self) -> None:
        self.binary = ensure("redis-server", "redis-server")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="redheart-redis-"))
        self.process: "subprocess.Popen[bytes] | None" = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("redis-server did not start")

    def remove(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)
