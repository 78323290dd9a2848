"""Run a long command (Rasa's training) showing one line of progress instead of its output.

Rasa prints a screen of logs, warnings and progress bars while it trains. The person running
`make run` needs to know it is working and how far it got: one line, rewritten in place, with
the time taken and the step Rasa is on. The whole output is kept in memory and printed only
if the command fails, so nothing that explains a failure is lost.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from typing import List, Mapping, Optional, Sequence, TextIO

# Rasa names each step of its training graph as it starts it.
STEP = re.compile(r"Starting to train component '?([A-Za-z0-9_.]+)'?")


def run_with_progress(
    command: Sequence[str], env: Mapping[str, str], cwd: str, title: str, screen: Optional[TextIO] = None
) -> None:
    """Run `command`; raise CalledProcessError (after printing its output) if it fails."""
    screen = screen or sys.stderr
    started = time.monotonic()
    output: List[str] = []
    step = ""
    live = screen.isatty()
    with subprocess.Popen(command, env=dict(env), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace") as process:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            found = STEP.search(line)
            if found:
                step = found.group(1).rsplit(".", 1)[-1]
                if live:
                    _show(screen, f"\r\033[K{title}: {time.monotonic() - started:.0f} s, {step}")
    seconds = time.monotonic() - started
    if process.returncode != 0:
        _show(screen, ("\r\033[K" if live else "") + "".join(output))
        raise subprocess.CalledProcessError(process.returncode, list(command))
    _show(screen, ("\r\033[K" if live else "") + f"{title}: done in {seconds:.0f} s\n")


def _show(screen: TextIO, text: str) -> None:
    screen.write(text)
    screen.flush()
