"""Command line: thin wrappers over the library functions a notebook can call too."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .version import __version__
from .errors import ReexError
from .read.datetext import YEAR_MAX, YEAR_MIN

AS_OF_DAYS = f"YYYY-MM-DD from {YEAR_MIN}-01-01 to {YEAR_MAX}-12-31"
"""The days ``--as-of`` accepts, as its help says."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``reex-research`` command; return the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except ReexError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reex-research", description="Rare-earth news research workbook.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser("load", help="load a corpus folder, print a summary, optionally export it")
    load.add_argument("path", type=Path, help="folder of .txt, .md, .html or .jsonl articles")
    load.add_argument("--out", type=Path, help="write every dataframe into this folder")
    load.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="export format")
    load.add_argument("--strict", action="store_true", help="stop at the first file that cannot be read")
    load.add_argument("--as-of", dest="as_of",
                      help=f"reference date {AS_OF_DAYS} for upcoming events (default today)")
    load.add_argument("--cache", nargs="?", const=True, default=None, metavar="DIR",
                      help="reuse per-file results from a cache (default folder: the user cache dir)")
    load.add_argument("--workers", type=int, help="processes to use (default: CPU count for large folders)")
    load.add_argument("--kb", type=Path, help="knowledge-base folder (default data/kb)")
    load.add_argument("--quiet", action="store_true", help="no progress bar")
    load.add_argument("--follow-links-outside", action="store_true",
                      help="also read files that links in the folder point to outside it (default: "
                           "such links are left out, each with a problem row)")
    load.set_defaults(handler=_load)

    kb = commands.add_parser("kb", help="knowledge-base commands")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    validate = kb_commands.add_parser("validate", help="check the knowledge base and print a summary")
    validate.add_argument("path", type=Path, nargs="?", help="knowledge-base folder (default data/kb)")
    validate.set_defaults(handler=_kb_validate)
    promote = kb_commands.add_parser(
        "promote", help="add organisations, people or places to the knowledge base (validated; undone if invalid)")
    promote.add_argument("names", nargs="*", metavar="NAME", help="canonical names to add, all of one type")
    promote.add_argument("--type", required=True, choices=("organisation", "person", "place"),
                         help="entity type of every NAME")
    promote.add_argument("--subtype", help="subtype (default company for an organisation; required otherwise)")
    promote.add_argument("--country", default="", help="ISO-3166 alpha-2 code, e.g. AU (default none)")
    promote.add_argument("--alias", dest="aliases", action="append", default=[], metavar="ALIAS",
                         help="another name (repeat for more; one NAME only)")
    promote.add_argument("--exact-alias", dest="exact_aliases", action="append", default=[], metavar="ALIAS",
                         help="a name matched only with exactly this capitalisation (one NAME only)")
    promote.add_argument("--parent", help="id of the parent organisation")
    promote.add_argument("--id", dest="entity_id", help="id to use instead of one made from the name (one NAME only)")
    promote.add_argument("--from-candidates", dest="from_candidates", type=Path, metavar="CSV",
                         help="take the names from a candidates table export (CSV with name and count columns)")
    promote.add_argument("--min-count", dest="min_count", type=int, default=1,
                         help="with --from-candidates: fewest mentions a name needs (default 1)")
    promote.add_argument("--kb", type=Path, help="knowledge-base folder (default data/kb)")
    promote.set_defaults(handler=_kb_promote)

    report = commands.add_parser("report", help="render the notebooks into a dated HTML report")
    report.add_argument("corpus", type=Path, nargs="?", help="corpus folder (default: the bundled data/corpus)")
    report.add_argument("--corpus", dest="corpus_option", type=Path, help="corpus folder (same as CORPUS)")
    report.add_argument("--as-of", dest="as_of", help=f"date of the report, {AS_OF_DAYS} (default today)")
    report.add_argument("--out", type=Path, default=Path("reports"), help="reports folder (default reports/)")
    report.add_argument("--notebooks", type=Path, help="folder of NN_name.ipynb notebooks (default notebooks/)")
    report.add_argument("--themes", nargs="*", default=[], metavar="THEME",
                        help="theme ids or labels to focus on (default: all)")
    report.add_argument("--actors", nargs="*", default=[], metavar="ACTOR",
                        help="entity ids or names to focus on (default: all)")
    report.add_argument("--min-mentions", dest="min_mentions", type=int, default=1,
                        help="fewest mentions an actor needs to be shown (default 1)")
    report.add_argument("--cache", nargs="?", const=True, default=True, metavar="DIR",
                        help="cache folder for the one load of the corpus (default: the user cache dir)")
    report.add_argument("--no-cache", dest="cache", action="store_false", help="load without a cache")
    report.add_argument("--force", action="store_true",
                        help="replace a report of another corpus already in the day's folder")
    report.set_defaults(handler=_report)

    notebooks = commands.add_parser("notebooks", help="notebook maintenance")
    notebooks_commands = notebooks.add_subparsers(dest="notebooks_command", required=True)
    refresh = notebooks_commands.add_parser("refresh", help="re-run NN_*.ipynb in place to refresh their stored outputs")
    refresh.add_argument("folder", type=Path, nargs="?", help="notebooks folder (default notebooks/)")
    refresh.set_defaults(handler=_notebooks_refresh)
    return parser


def _load(args: argparse.Namespace) -> int:
    from .corpus import load_corpus

    corpus = load_corpus(args.path, strict=args.strict, as_of=args.as_of, cache=args.cache,
                         workers=args.workers, kb_path=args.kb, progress=not args.quiet,
                         follow_links_outside=args.follow_links_outside)
    print(corpus.summary())
    if args.out:
        written = corpus.export(args.out, format=args.format)
        print(f"wrote {len(written)} {args.format} files to {args.out}")
    return 0


def _kb_validate(args: argparse.Namespace) -> int:
    from .kb import kb_summary, load_kb

    print(kb_summary(load_kb(args.path)))
    return 0


def _kb_promote(args: argparse.Namespace) -> int:
    from .errors import InvalidArgumentError
    from .kb_promote import FILES, NewEntity, make_id, promote

    names = list(args.names)
    if args.from_candidates is not None:
        names += _candidate_names(args.from_candidates, args.min_count)
    if not names:
        raise InvalidArgumentError("nothing to promote — give one or more NAMEs or --from-candidates CSV")
    if len(names) > 1 and (args.aliases or args.exact_aliases or args.entity_id):
        raise InvalidArgumentError("--alias, --exact-alias and --id apply to one entity — promote one NAME at a time")
    entries = [NewEntity(name=name, type=args.type, subtype=args.subtype, country=args.country,
                         aliases=tuple(args.aliases), exact_aliases=tuple(args.exact_aliases),
                         parent_id=args.parent, id=args.entity_id) for name in names]
    files = {path.name: path for path in promote(entries, kb_path=args.kb)}
    for entry in entries:
        print(f"added {entry.id or make_id(entry.name)} to {_shown(files[FILES[entry.type]])}")
    return 0


def _shown(path: Path) -> Path:
    """Return ``path`` relative to the working folder when it lies inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _candidate_names(path: Path, min_count: int) -> list[str]:
    """Return the names of a candidates CSV export with at least ``min_count`` mentions, most frequent first."""
    import pandas as pd

    from .errors import InvalidArgumentError

    try:
        table = pd.read_csv(path, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise InvalidArgumentError(f"cannot read the candidates table {path}: {exc}") from exc
    missing = [column for column in ("name", "count") if column not in table.columns]
    if missing:
        raise InvalidArgumentError(f"{path} has no {missing[0]!r} column — pass a candidates table export "
                                   "(columns name,count,n_articles,...)")
    kept = table[table["count"] >= min_count].sort_values("count", ascending=False, kind="stable")
    return [name for name in kept["name"].astype(str) if name.strip()]


def _report(args: argparse.Namespace) -> int:
    from .paths import bundled_corpus
    from .reports import parse_as_of, render_report

    as_of = parse_as_of(args.as_of) if args.as_of is not None else None
    corpus = args.corpus or args.corpus_option or bundled_corpus()
    folder = render_report(corpus=corpus, as_of=as_of, out=args.out, notebooks=args.notebooks,
                           themes=args.themes, actors=args.actors, min_mentions=args.min_mentions,
                           force=args.force, cache=args.cache)
    print(f"open {folder / 'index.html'}")
    return 0


def _notebooks_refresh(args: argparse.Namespace) -> int:
    from .reports import refresh_notebooks

    refresh_notebooks(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
