"""The `redheart` command."""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import List, Optional, Sequence

from bot.content import commands as content_cli
from bot.settings import Settings


def _train(args: argparse.Namespace) -> int:
    from bot.training.train import train

    train(force=args.force, verbose=args.verbose)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from bot.training.train import validate

    return validate()


def _chat(args: argparse.Namespace) -> int:
    from bot.runtime import close_conversations, open_conversations
    from bot.terminal_chat import chat

    conversations = open_conversations(Settings.from_env())
    try:
        asyncio.run(chat(conversations, language=args.language, country=args.country))
    finally:
        close_conversations(conversations)
    return 0


def _run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not settings.telegram_token:
        print("No TELEGRAM_BOT_TOKEN is configured, so the bot starts as a terminal chat.", file=sys.stderr)
        return _chat(argparse.Namespace(language=None, country=None))
    from bot.logs import configure_logging
    from bot.telegram.app import run

    configure_logging(log_file=settings.log_file)
    run(settings)
    return 0


def _reply_json(text: str, reply) -> str:
    turn = reply.turn
    return json.dumps(
        {
            "text": text,
            "language": reply.language,
            "intent": turn.intent,
            "confidence": round(turn.confidence, 4),
            "responses": [
                {"text": r.text, "buttons": [{"title": b.title, "payload": b.payload} for b in r.buttons]}
                for r in turn.responses
            ],
        },
        ensure_ascii=False,
    )


def _reply_plain(reply) -> str:
    from bot.terminal_chat import render

    text, _ = render(reply.turn.responses, tty=False)
    return text


def _ask(args: argparse.Namespace) -> int:
    from bot.runtime import open_conversations

    # `ask` writes nothing to the stats store.
    conversations = open_conversations(Settings.from_env(), with_stats=False)
    questions: List[str] = [args.text] if args.text is not None else [line.rstrip("\n") for line in sys.stdin]

    async def ask_all() -> None:
        for number, question in enumerate(questions):
            reply = await conversations.handle(
                "ask", f"ask-{number}", question, language=args.language, country=args.country, force_language=True
            )
            print(_reply_json(question, reply) if args.json or args.text is None else _reply_plain(reply), flush=True)

    asyncio.run(ask_all())
    return 0


def _date(value: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _evaluate(args: argparse.Namespace) -> int:
    from bot import paths
    from bot.evaluation.overview import format_overview, overview_json, run_overview
    from bot.runtime import open_conversations

    # Like `ask`: the same entry point, nothing written to the stats store.
    conversations = open_conversations(Settings.from_env(), with_stats=False)
    content = conversations.assistant.catalogue.content
    # The baseline trains on what the model was trained on: the hand-written and generated data.
    data = [paths.NLU_DATA_DIR, paths.BUILD_DIR / "data"]
    others = {}
    if args.rasa_default:
        from bot.training.train import train

        train(model=paths.RASA_DEFAULT_MODEL, config=paths.RASA_DEFAULT_CONFIG, verbose=args.verbose)
        settings = replace(Settings.from_env(), model_path=paths.RASA_DEFAULT_MODEL)
        others["Rasa default"] = open_conversations(settings, with_stats=False)
    results = run_overview(conversations, content, data, heldout=args.heldout, top=args.top, others=others)
    print(json.dumps(overview_json(results, texts=args.texts), ensure_ascii=False, indent=2) if args.json else format_overview(results, texts=args.texts))
    return 0


def _crossvalidate(args: argparse.Namespace) -> int:
    from bot.evaluation import run_crossvalidation

    return run_crossvalidation(folds=args.folds)


def _test_stories(args: argparse.Namespace) -> int:
    from bot.evaluation import run_story_tests

    return run_story_tests()


def _open_output(target: str):
    """A file to write, or standard output for "-"."""
    if target == "-":
        return contextlib.nullcontext(sys.stdout)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    return open(target, "w", newline="", encoding="utf-8")


def _stats(args: argparse.Namespace) -> int:
    from bot.stats.config import StatsSettings
    from bot.stats.names import Names
    from bot.stats.render import to_text, write_csv
    from bot.stats.report import build_report
    from bot.stats.store import StatsStore

    threshold = StatsSettings.from_env().suppression_threshold
    names = Names.load(args.language)
    store = StatsStore(Settings.from_env().database_url)
    try:
        report = build_report(store, names, since=args.since, until=args.until, by=args.by, threshold=threshold)
    finally:
        store.close()
    # A report written to standard output is the whole output; notes go to standard error.
    to_stdout = "-" in (args.csv, args.html)
    notes = sys.stderr if to_stdout else sys.stdout
    if not to_stdout:
        print(to_text(report), end="")
    if args.csv:
        with _open_output(args.csv) as handle:
            write_csv(report, handle)
        if args.csv != "-":
            print(f"CSV: {args.csv}", file=notes)
    if args.png or args.html:
        from bot.stats.charts import charts
        from bot.stats.html_page import to_html

        images = charts(report)
        if args.png:
            folder = Path(args.png)
            folder.mkdir(parents=True, exist_ok=True)
            for name, picture in images.items():
                (folder / f"{name}.png").write_bytes(picture.png)
            print(f"PNG: {folder} ({len(images)})", file=notes)
        if args.html:
            with _open_output(args.html) as handle:
                handle.write(to_html(report, images))
            if args.html != "-":
                print(f"HTML: {args.html}", file=notes)
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="redheart", description="The Red Heart Campaign's chatbot.")
    commands = main.add_subparsers(dest="command", required=True)
    verbosity = argparse.ArgumentParser(add_help=False)
    verbosity.add_argument("--verbose", action="store_true", help="show every library's warnings and Rasa's own output")

    def subcommand(name: str, **options) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[verbosity], **options)

    train = subcommand("train", help="build training data from content/ and train the model")
    train.add_argument("--force", action="store_true", help="train even if nothing changed")
    train.set_defaults(handler=_train)

    subcommand("validate", help="check the training data with Rasa's validator").set_defaults(handler=_validate)

    content = subcommand("content", help="work with content/")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    check = content_commands.add_parser("check", parents=[verbosity], help="check content/ for missing sources, bad numbers and more")
    check.add_argument("--directory", type=Path, help="another content folder")
    check.set_defaults(handler=content_cli.check)
    export = content_commands.add_parser("export", parents=[verbosity], help="every text beside its translation, as CSV for a reviewer")
    export.add_argument("--language", required=True, help="the translation's language code (bn, fr, es)")
    export.add_argument("file", help="the CSV file to write, or - for standard output")
    export.add_argument("--directory", type=Path, help="another content folder")
    export.set_defaults(handler=content_cli.export_texts)
    take = content_commands.add_parser("import", parents=[verbosity], help="take a reviewed CSV back into content/ and mark its texts reviewed")
    take.add_argument("file", help="a CSV written by `redheart content export`, with the translation column filled in")
    take.add_argument("--draft", action="store_true", help="take the texts as drafts (a translator's), not reviewed")
    take.add_argument("--directory", type=Path, help="another content folder")
    take.set_defaults(handler=content_cli.import_texts)

    for name, handler, description in (
        ("chat", _chat, "a conversation in the terminal"),
        ("ask", _ask, "the bot's reply to one question (or one per line of standard input)"),
    ):
        command = subcommand(name, help=description)
        command.add_argument(
            "--language",
            help="answer in this language (bn, fr, es, en); `chat` starts in it and then follows what you write"
            if name == "chat"
            else "answer in this language (bn, fr, es, en), whatever the question's language",
        )
        command.add_argument("--country", help="the user's country code (default BD)")
        command.set_defaults(handler=handler)
        if name == "ask":
            command.add_argument("--json", action="store_true", help="print one JSON object per question")
            command.add_argument("text", nargs="?", help="the question; without it, one per line from standard input")

    subcommand("run", help="run on Telegram (a terminal chat when no token is set)").set_defaults(handler=_run)
    stats = subcommand("stats", help="usage counts from the stats store (small counts hidden)")
    stats.add_argument("--since", type=_date, help="first day, YYYY-MM-DD (default: the first record)")
    stats.add_argument("--until", type=_date, help="last day, YYYY-MM-DD (default: today)")
    stats.add_argument("--by", choices=("day", "week", "month"), default="day", help="period of the time table")
    stats.add_argument("--csv", metavar="FILE", help="also write the report as CSV (- for standard output)")
    stats.add_argument("--png", metavar="DIR", help="also write charts as PNG files into DIR")
    stats.add_argument("--html", metavar="FILE", help="also write one self-contained HTML page with the charts (- for standard output)")
    stats.add_argument("--language", default="en", help="the report's language, where content/ has it (default en)")
    stats.set_defaults(handler=_stats)

    evaluate = subcommand(
        "evaluate", help="held-out questions and safety messages (tests/data/heldout*.yml, safety_heldout*.yml), per script"
    )
    evaluate.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    evaluate.add_argument("--heldout", type=Path, help="another held-out file")
    evaluate.add_argument("--top", type=int, default=10, help="how many confused pairs to show (default 10)")
    evaluate.add_argument(
        "--rasa-default", action="store_true",
        help="also train Rasa's default configuration on the same data (once; slow) and report it beside the model",
    )
    evaluate.add_argument(
        "--texts", action="store_true", help="also print the held-out texts that went wrong (whoever reads them writes no training data)"
    )
    evaluate.set_defaults(handler=_evaluate)

    crossvalidate = subcommand("crossvalidate", help="Rasa's NLU cross-validation on the built training data")
    crossvalidate.add_argument("--folds", type=int, default=3, help="number of folds (default 3)")
    crossvalidate.set_defaults(handler=_crossvalidate)

    subcommand(
        "test-stories", help="Rasa's story tests (tests/test_stories.yml) against the trained model"
    ).set_defaults(handler=_test_stories)
    return main


def main(argv: Optional[Sequence[str]] = None) -> int:
    from bot.logs import quiet_third_party

    args = parser().parse_args(argv)
    quiet_third_party(verbose=args.verbose)
    return int(args.handler(args) or 0)
