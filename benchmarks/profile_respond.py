"""Where the time of one reply goes: cProfile over Assistant.respond.

    .venv/bin/python benchmarks/profile_respond.py [--model models/redheart.tar.gz] [--messages 500]

Loads the model, warms up, then profiles --messages replies (held-out texts, cycling over 50
conversation ids, as benchmarks/benchmark.py does) and prints the functions with the most
cumulative and the most own time.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["RASA_TELEMETRY_ENABLED"] = "false"

SLOTS = {"language": "en", "country": "BD"}


async def _replies(assistant, texts, messages: int, prefix: str) -> None:
    for number in range(messages):
        await assistant.respond(f"{prefix}-{number % 50}", texts[number % len(texts)], SLOTS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "models" / "redheart.tar.gz"))
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()

    from bot.assistant import Assistant
    from bot.evaluation import load_heldout

    assistant = Assistant.load(Path(args.model))
    texts = [e.text for e in load_heldout()]
    loop = asyncio.new_event_loop()
    loop.run_until_complete(_replies(assistant, texts, 100, "warm"))
    profile = cProfile.Profile()
    profile.enable()
    loop.run_until_complete(_replies(assistant, texts, args.messages, "prof"))
    profile.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(args.top)
        print(f"=== by {order} ===")
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
