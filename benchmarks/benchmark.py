"""Speed, memory and accuracy of the project's config.yml against Rasa's default config.

    .venv/bin/python benchmarks/benchmark.py [--messages 1000] [--json results/benchmark.json]

Trains both configurations on the same training data (bot.training.train.build()) into a
temporary folder (models/redheart.tar.gz is never touched), then measures each model in a
fresh subprocess:

- cold start: from starting the subprocess to its first reply;
- reply latency in process (message in -> all responses out, bot.assistant.Assistant.respond),
  p50 and p95 over --messages messages: held-out texts of every language, cycling over 50
  conversation ids, each answered in its script's language; p95 also per script;
- replies per second with 50 conversations at once in one process (asyncio.gather);
- peak resident memory of that subprocess (ru_maxrss);
- accuracy on the held-out set, through the same entry point as `redheart ask`;
and the training time of each. The default model is measured twice: through the project's
runtime (bot.graph_runner, the bounded private tracker store), which isolates what the
configuration costs, and through Rasa's stock runtime (dask graph runner, in-memory tracker
store), which is what `rasa init` gives. A script, never a timed test: figures depend on the
machine.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CONFIG = Path(__file__).resolve().parent / "default_config.yml"
CONVERSATIONS = 50
SLOTS = {"language": "en", "country": "BD"}


# Inside the measuring subprocess ----------------------------------------------------------------


def _percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(share * (len(ordered) - 1)))))
    return ordered[index]


def _load(model: Path, stock: bool) -> Any:
    from bot.assistant import Assistant, quiet_rasa_logging

    if not stock:
        return Assistant.load(model)
    quiet_rasa_logging()
    from rasa.core.agent import Agent

    return Assistant(Agent.load(str(model)))


async def _measure(model: Path, messages: int, rounds: int, stock: bool) -> Dict[str, Any]:
    from bot.conversation import Conversations
    from bot.evaluation import heldout_files, load_heldout, predict, summarise
    from bot.language import language_of_variant
    from bot.pseudonyms import ConversationIds

    assistant = _load(model, stock)
    await assistant.respond("bench-cold", "hello", SLOTS)
    print("FIRST_REPLY", flush=True)  # the parent stops the cold-start clock here
    ready = time.perf_counter()

    heldout = load_heldout()
    # Every language's held-out texts, interleaved so that each stretch of messages mixes them.
    sets = [load_heldout(path) for path in heldout_files()]
    mixed = [e for group in zip(*(s * (max(map(len, sets)) // len(s) + 1) for s in sets)) for e in group]
    texts = [e.text for e in mixed]
    slots = [{**SLOTS, "language": language_of_variant(e.script)} for e in mixed]

    # Warm up: every conversation id once.
    for number in range(CONVERSATIONS):
        await assistant.respond(f"warm-{number}", texts[number % len(texts)], slots[number % len(texts)])

    latencies = []
    by_script: Dict[str, List[float]] = {}
    for number in range(messages):
        started = time.perf_counter()
        await assistant.respond(f"lat-{number % CONVERSATIONS}", texts[number % len(texts)], slots[number % len(texts)])
        latencies.append((time.perf_counter() - started) * 1000)
        by_script.setdefault(mixed[number % len(texts)].script, []).append(latencies[-1])

    async def conversation(number: int) -> None:
        for turn in range(rounds):
            index = (number * rounds + turn) % len(texts)
            await assistant.respond(f"conc-{number}", texts[index], slots[index])

    started = time.perf_counter()
    await asyncio.gather(*(conversation(n) for n in range(CONVERSATIONS)))
    throughput_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as keys:
        conversations = Conversations(assistant, ConversationIds(Path(keys)))
        report = summarise(await predict(conversations, heldout, channel="benchmark"), conversations.intents)

    import resource

    return {
        "p50_ms": statistics.median(latencies),
        "p95_ms": _percentile(latencies, 0.95),
        "p95_ms_by_script": {script: round(_percentile(values, 0.95), 1) for script, values in sorted(by_script.items())},
        "mean_ms": statistics.fmean(latencies),
        "messages": messages,
        "replies_per_second": CONVERSATIONS * rounds / throughput_seconds,
        "concurrent_messages": CONVERSATIONS * rounds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "accuracy": report.accuracy,
        "evaluated": report.evaluated,
        "unknown_label": report.unknown_label,
        "wrong_confident_rate": report.wrong_confident_rate,
        "not_sure_rate": report.not_sure_rate,
        "accuracy_by_kind": {k: s.accuracy for k, s in report.by_kind.items() if s.total},
        "measure_seconds": time.perf_counter() - ready,
    }


def _child(args: argparse.Namespace) -> int:
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    result = asyncio.run(_measure(Path(args.model), args.messages, args.rounds, args.stock))
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# In the parent ---------------------------------------------------------------------------------


def _train(config: Path, out: Path, name: str) -> float:
    from bot.training.train import build, rasa_environment

    files = build()
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", str(config),
        "--domain", str(files.domain),
        "--data", *[str(p) for p in files.data],
        "--out", str(out),
        "--fixed-model-name", name,
        "--force",
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, env=rasa_environment(), cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _run_child(model: Path, messages: int, rounds: int, stock: bool = False) -> Dict[str, Any]:
    from bot.training.train import rasa_environment

    command = [
        sys.executable, str(Path(__file__).resolve()), "_measure",
        "--model", str(model), "--messages", str(messages), "--rounds", str(rounds),
    ] + (["--stock"] if stock else [])
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=rasa_environment())
    cold_start = None
    result: Dict[str, Any] = {}
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("FIRST_REPLY") and cold_start is None:
            cold_start = time.perf_counter() - started
        elif line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
    if process.wait() != 0 or not result:
        raise RuntimeError(f"measuring {model} failed (exit {process.returncode})")
    return {"cold_start_s": cold_start, **result}


def machine() -> Dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
        memory_gb = round(int(memory.split()[1]) / 1024 / 1024, 1)
    except (OSError, StopIteration):
        memory_gb = None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }


ROWS = [
    # key, label, format
    ("p50_ms", "reply latency p50 (ms)", "{:.1f}"),
    ("p95_ms", "reply latency p95 (ms)", "{:.1f}"),
    ("replies_per_second", "replies/s, 50 conversations at once", "{:.0f}"),
    ("cold_start_s", "cold start to first reply (s)", "{:.1f}"),
    ("peak_rss_mb", "peak resident memory (MB)", "{:.0f}"),
    ("training_s", "training time (s)", "{:.0f}"),
    ("accuracy", "held-out accuracy", "{:.1%}"),
    ("wrong_confident_rate", "held-out wrong and confident", "{:.1%}"),
]


COLUMNS = [
    # key in the results, heading
    ("project", "project"),
    ("default", "Rasa default, project runtime"),
    ("stock", "Rasa default, stock runtime"),
]


def table(results: Dict[str, Dict[str, Any]]) -> str:
    """One row per measure; each default column with its ratio to the project's figure."""
    columns = [c for c in COLUMNS if c[0] in results]
    headings = [columns[0][1]] + [f"{heading} | ratio" for _, heading in columns[1:]]
    lines = [f"| measure | {' | '.join(headings)} |", "|---|" + "---:|" * (2 * len(columns) - 1)]
    for key, label, fmt in ROWS:
        project = results["project"].get(key)
        cells = [fmt.format(project)]
        for column, _ in columns[1:]:
            other = results[column].get(key)
            cells += [fmt.format(other), f"{other / project:.2f}x" if project else "n/a"]
        lines.append(f"| {label} | {' | '.join(cells)} |")
    return "\n".join(lines)


def _parent(args: argparse.Namespace) -> int:
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    rounds = max(1, args.messages // CONVERSATIONS)
    results: Dict[str, Dict[str, Any]] = {}
    info = machine()
    with tempfile.TemporaryDirectory(prefix="redheart-benchmark-") as tmp:
        out = Path(tmp)
        configs = (("project", ROOT / "config.yml"),) + (() if args.project_only else (("default", DEFAULT_CONFIG),))
        for name, config in configs:
            print(f"Training {name} ({config.relative_to(ROOT)}) ...", file=sys.stderr, flush=True)
            training = _train(config, out, name)
            print(f"Measuring {name} ...", file=sys.stderr, flush=True)
            results[name] = {"training_s": training, **_run_child(out / f"{name}.tar.gz", args.messages, rounds)}
        if not args.project_only:
            print("Measuring default on Rasa's stock runtime ...", file=sys.stderr, flush=True)
            stock = _run_child(out / "default.tar.gz", args.messages, rounds, stock=True)
            results["stock"] = {"training_s": results["default"]["training_s"], **stock}
    print(f"Machine: {info['nproc']} CPU(s), {info['cpu']}, {info['memory_gb']} GB, Python {info['python']}, "
          f"load average at start {tuple(round(x, 2) for x in info['load_average_at_start'])}")
    print(table(results))
    print("reply latency p95 by script (ms): " + ", ".join(f"{k} {v}" for k, v in results["project"]["p95_ms_by_script"].items()))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"machine": info, **results}, indent=2))
    return 0


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    child = sub.add_parser("_measure", help=argparse.SUPPRESS)
    child.add_argument("--model", required=True)
    child.add_argument("--messages", type=int, default=1000)
    child.add_argument("--rounds", type=int, default=20)
    child.add_argument("--stock", action="store_true", help="Rasa's own runtime, not the project's")
    parser.add_argument("--messages", type=int, default=1000, help="messages for the latency run (default 1000)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--project-only", action="store_true", help="measure config.yml only, not Rasa's default (saves about 10 minutes)")
    args = parser.parse_args(argv)
    return _child(args) if args.command == "_measure" else _parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
