"""`redheart content check | export | import`: the content check and the translators' round trip."""
from __future__ import annotations

import argparse
import sys


def check(args: argparse.Namespace) -> int:
    from bot import paths
    from bot.content.load import ContentError, load_content
    from bot.content.schema import INTERNATIONAL

    try:
        content = load_content(args.directory or paths.CONTENT_DIR)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) found in content/.", file=sys.stderr)
        return 1
    print(
        f"content/ is fine: {len(content.terms)} terms, {len(content.topics)} topics, "
        f"{len(content.helplines)} helplines in {len(content.countries)} countries and {INTERNATIONAL}."
    )
    from bot.content.translations import ContentTree

    tree = ContentTree(args.directory or paths.CONTENT_DIR)
    for language in content.languages:
        if language != "en":
            counts = tree.counts(language)
            total = sum(counts.values())
            print(
                f"{content.languages[language]} ({language}): {total - counts['missing']} of {total} texts translated, "
                f"{counts['reviewed']} reviewed by a native speaker, {counts['draft']} still drafts"
            )
    return 0


def export_texts(args: argparse.Namespace) -> int:
    from bot import paths
    from bot.content.translations import ContentTree, export

    tree = ContentTree(args.directory or paths.CONTENT_DIR)
    if args.file == "-":
        rows = export(tree, args.language, sys.stdout)
    else:
        # A byte-order mark lets spreadsheet programs read Bengali as UTF-8.
        with open(args.file, "w", encoding="utf-8-sig", newline="") as out:
            rows = export(tree, args.language, out)
        print(f"{rows} texts written to {args.file}: fill in the '{args.language}' column, then `redheart content import`.")
    return 0


def import_texts(args: argparse.Namespace) -> int:
    import csv

    from bot import paths
    from bot.content.load import ContentError, load_content
    from bot.content.translations import ContentTree, import_rows

    directory = args.directory or paths.CONTENT_DIR
    tree = ContentTree(directory)
    with open(args.file, encoding="utf-8-sig", newline="") as source:
        taken, problems = import_rows(tree, csv.DictReader(source), reviewed=not args.draft)
    for problem in problems:
        print(problem, file=sys.stderr)
    tree.write()
    try:
        load_content(directory)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("content/ has problems after the import: fix them, or undo the change with git.", file=sys.stderr)
        return 1
    state = "as drafts" if args.draft else "and marked reviewed"
    print(f"{taken} texts taken {state}; {len(problems)} rows left out.")
    return 1 if problems else 0
