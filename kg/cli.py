"""The ``kg`` command line: parses arguments, calls the library, prints. Nothing else lives here.

Exit status: 0 on success, 1 on a user error (bad input, bad query) with a one-line message,
2 on usage errors (argparse).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kg import __version__

DEFAULT_STORE = "kg-store"
MAX_REJECTS_SHOWN = 30


class UserError(Exception):
    """A problem with what the user gave us; printed as one line, exit status 1."""


# ---- commands --------------------------------------------------------------------------------
def cmd_build(args: argparse.Namespace) -> None:
    from kg.build import build
    from kg.executors import SchedulerError, check_scheduler

    try:
        check_scheduler(args.scheduler)  # before reading anything: a bad address fails fast
        report = build(args.inputs, args.store, as_of=args.as_of, jobs=args.jobs,
                       progress=not args.quiet, translate=not args.no_translate,
                       offline=args.offline, scheduler=args.scheduler, state=args.state)
    except SchedulerError as exc:
        raise UserError(str(exc)) from None
    print(report.summary())
    if len(report.rejections) + len(report.skipped) <= MAX_REJECTS_SHOWN:
        for rejection in report.rejections:
            print(f"  rejected  {rejection}")
        for skipped in report.skipped:
            print(f"  skipped   {skipped}")
        return
    for reason, count in report.rejections_by_reason().most_common():
        print(f"  {count:5d}  {reason}")
    print(f"every rejected and skipped input, with file, record and reason: {report.rejects_file}")


def cmd_extract(args: argparse.Namespace) -> None:
    from kg.extract import extract_jsonl

    source = sys.stdin if args.file in (None, "-") else _open_text(args.file)
    for line in extract_jsonl(source, default_lang=args.lang):
        sys.stdout.write(line + "\n")


def _is_file(text: str) -> bool:
    """Whether a command-line argument names a file (a long SPARQL string is no file name)."""
    try:
        return Path(text).is_file()
    except OSError:
        return False


def cmd_query(args: argparse.Namespace) -> None:
    from kg.rdf.query import format_result, run_query

    text = args.sparql
    if _is_file(text):
        text = Path(text).read_text(encoding="utf-8")
    elif not any(c.isspace() for c in text.strip()):
        text = _named_query(text)
    store = _open_store(args.store)
    sys.stdout.write(format_result(run_query(store, text, allow_service=args.allow_service),
                                   args.format))


def cmd_export(args: argparse.Namespace) -> None:
    from kg.rdf.export import export

    out = Path(args.output) if args.output else None
    path, count = export(_open_store(args.store), args.format, out)
    unit = "quads" if args.format in ("trig", "jsonld") else "triples"
    print(f"wrote {count} {unit} to {path}")


def cmd_analyze(args: argparse.Namespace) -> None:
    from kg.analysis import run_analysis

    # analysis writes its metrics back: into a staged copy that readers see once it is complete
    store = _open_store(args.store, read_only=False, staged=True)
    try:
        report = run_analysis(store, Path(args.output), lang=args.lang)
        store.commit()
    finally:
        store.close()  # the writer lock (or a server store's lease) is released at once
    print(report.summary())


def cmd_viz(args: argparse.Namespace) -> None:
    from kg.viz import VizError, write_viz

    langs = [x.strip() for x in args.lang.split(",") if x.strip()]
    editions = [x.strip() for x in args.edition.split(",")] if args.edition else None
    try:
        path = write_viz(_open_store(args.store), Path(args.output), focus=args.focus,
                         top=args.top, lang=langs[0] if langs else "en", editions=editions)
    except VizError as exc:
        raise UserError(str(exc)) from None
    print(f"wrote {path}")


def cmd_site(args: argparse.Namespace) -> None:
    from kg.site import SiteError, write_site

    try:
        out = write_site(_open_store(args.store), Path(args.output), lang=args.lang)
    except SiteError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"{args.output}: {exc.strerror or exc}") from None
    print(f"wrote {out}/index.html and {sum(1 for _ in out.rglob('*.html')) - 1} pages")


def _site_lang(value: str) -> str:
    from kg.site import SiteError, site_langs

    try:
        site_langs(value)
    except SiteError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def cmd_serve(args: argparse.Namespace) -> None:
    from kg.rdf.serve import Limits, serve

    limits = Limits(timeout=args.timeout, max_concurrent=args.max_concurrent,
                    queue_wait=args.queue_wait, max_body=args.max_body,
                    max_result=args.max_result)
    try:
        serve(_open_store(args.store), host=args.host, port=args.port, limits=limits)
    except OSError as exc:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None


def cmd_eval(args: argparse.Namespace) -> None:
    from kg.nlp.evaluate import evaluate_conll

    if not Path(args.file).is_file():
        raise UserError(f"{args.file}: no such file")
    print(evaluate_conll(args.file, args.lang, gold_tokens=not args.raw_text).format_table())


def cmd_validate(args: argparse.Namespace) -> None:
    from kg.rdf.validate import validate_store

    conforms, text = validate_store(_open_store(args.store))
    print(text)
    if not conforms:
        raise UserError("the graph does not conform to ontologies/shapes.ttl")


def cmd_kb(args: argparse.Namespace) -> None:
    from kg.kb.wikidata import DumpError, import_dump, read_classes

    try:
        classes = read_classes(args.classes) if args.classes else None
    except (OSError, ValueError) as exc:
        raise UserError(str(exc)) from None
    try:
        report = import_dump(args.dump, args.output, min_sitelinks=args.min_sitelinks,
                             classes=classes, progress=not args.quiet, jobs=args.jobs)
    except DumpError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"{args.output or 'index folder'}: {exc.strerror or exc}") from None
    print(report.summary())


def cmd_watch(args: argparse.Namespace) -> None:
    import signal
    import threading

    from kg.executors import SchedulerError, check_scheduler
    from kg.watch import watch

    try:
        check_scheduler(args.scheduler)
    except SchedulerError as exc:
        raise UserError(str(exc)) from None
    stop = threading.Event()

    def first_interrupt(signum: int, frame: object) -> None:
        stop.set()
        print("stopping after this round (Ctrl-C again to stop now; the store keeps the last "
              "finished round)", file=sys.stderr, flush=True)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def show(result) -> None:
        print(result.summary(), flush=True)
        for failure in result.failures:
            print(f"  failed  {failure}", flush=True)

    previous = signal.signal(signal.SIGINT, first_interrupt)
    try:
        done = watch(args.inputs, args.store, every=args.every, rounds=args.rounds,
                     pages=not args.no_pages, timeout=args.timeout, stop=stop, on_round=show,
                     jobs=args.jobs, translate=not args.no_translate, offline=args.offline,
                     scheduler=args.scheduler, state=args.state)
    finally:
        signal.signal(signal.SIGINT, previous)
    print(f"stopped after {len(done)} round{'' if len(done) == 1 else 's'}")


# ---- helpers ---------------------------------------------------------------------------------
def _open_store(path: str, read_only: bool = True, staged: bool = False):
    """An existing store, folder or server URL (never creates one: a mistyped path is an error,
    not an empty graph)."""
    from kg.rdf.backends import open_store

    try:
        return open_store(path, read_only=read_only, create=False, staged=staged)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None


def _open_text(path: str):
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror}") from None


def _named_query(name: str) -> str:
    from kg.rdf.query import named_query_path

    path = named_query_path(name)
    if path is None:
        raise UserError(f"{name}: no such file or named query (see ontologies/queries/)")
    return path.read_text(encoding="utf-8")


def _positive(kind: type) -> Callable[[str], object]:
    def parse(text: str) -> object:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0: {text!r}")
        return value
    return parse


def _date(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date: {text!r}") from None
    return value if value.tzinfo else value.astimezone()


# ---- parser ----------------------------------------------------------------------------------
def _store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", default=DEFAULT_STORE, metavar="DIR|URL",
                   help=f"the graph store: a folder (default: ./{DEFAULT_STORE}), an Oxigraph "
                        "server (http://HOST:PORT) or any SPARQL 1.1 server with the Graph Store "
                        "Protocol (sparql+http://HOST:PORT/DATASET[?query=PATH&update=PATH&"
                        "data=PATH&PARAM=VALUE...]; see kg.rdf.remote)")


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], None], str]] = {
    "build": (cmd_build, "ingest files, folders, globs or URLs into the store"),
    "extract": (cmd_extract, "find and link entities in JSONL texts, without a store"),
    "query": (cmd_query, "run a SPARQL 1.1 query (text, .rq file or named query)"),
    "export": (cmd_export, "write the whole graph as Turtle, N-Triples, JSON-LD or TriG"),
    "analyze": (cmd_analyze, "network analysis: metrics into the store, report to a folder"),
    "viz": (cmd_viz, "an interactive HTML graph that works offline"),
    "site": (cmd_site, "a page for every entity, article, event and edition, as a static site"),
    "serve": (cmd_serve, "a read-only SPARQL 1.1 Protocol endpoint at /sparql"),
    "eval": (cmd_eval, "precision, recall and F1 of NER on a CoNLL/IOB file"),
    "validate": (cmd_validate, "check the store against the SHACL shapes"),
    "kb": (cmd_kb, "the knowledge base: `kg kb import DUMP` builds the Wikidata index"),
    "watch": (cmd_watch, "poll feeds, URLs or folders every N minutes and ingest what is new"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg", description="mkg: a multilingual (en/ar/es) knowledge graph of the news.",
        epilog="Example: kg build examples/ && kg query top-entities.rq")
    parser.add_argument("--version", action="version", version=f"mkg {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parsers = {name: sub.add_parser(name, help=help_, description=help_)
               for name, (_, help_) in COMMANDS.items()}

    p = parsers["build"]
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, globs or URLs")
    _store_arg(p)
    p.add_argument("--state", metavar="DIR",
                   help="with a server --store: the local working copy of the build's state "
                        "(documents, caches), which lives on the server (default: "
                        "$MKG_STATE_DIR or ~/.local/share/mkg/state, a folder per server)")
    p.add_argument("--as-of", type=_date, metavar="DATE",
                   help="resolve relative dates ('Today 10:25') against DATE (default: file time)")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="extraction processes (default 1)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run extraction and story embedding on the workers of this Dask "
                        "scheduler (needs the [cluster] extra here and on the workers); the "
                        "graph is the same")
    p.add_argument("--no-translate", action="store_true",
                   help="never ask the online translator (cached answers are still used)")
    p.add_argument("--offline", action="store_true",
                   help="no network at all: no Wikidata lookups, no translation requests; cached "
                        "answers are still used (also MKG_OFFLINE=1)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")

    p = parsers["extract"]
    p.add_argument("file", nargs="?", metavar="FILE.jsonl", help="JSONL input, or - for stdin (default)")
    p.add_argument("--lang", choices=["en", "ar", "es"], help="language when a line does not say")

    p = parsers["query"]
    p.add_argument("sparql", metavar="SPARQL-or-FILE", help="a query, a .rq file or a named query")
    _store_arg(p)
    p.add_argument("--format", default="table", choices=["table", "csv", "tsv", "json"])
    p.add_argument("--allow-service", action="store_true",
                   help="let the query call other SPARQL endpoints with SERVICE (refused otherwise)")

    p = parsers["export"]
    _store_arg(p)
    p.add_argument("--format", default="turtle", choices=["turtle", "nt", "jsonld", "trig"])
    p.add_argument("-o", "--output", metavar="FILE", help="default: exports/graph.<ext>")

    p = parsers["analyze"]
    _store_arg(p)
    p.add_argument("-o", "--output", default="exports/analysis", metavar="DIR")
    p.add_argument("--lang", default="en", choices=("en", "ar", "es"),
                   help="language of the report and its labels (ar: right-to-left; default en)")

    p = parsers["viz"]
    _store_arg(p)
    p.add_argument("-o", "--output", default="exports/graph.html", metavar="FILE")
    p.add_argument("--focus", metavar="ENTITY", help="ego network of an entity (label, key or IRI)")
    p.add_argument("--top", type=int, default=500, metavar="N", help="at most N nodes (default 500)")
    p.add_argument("--lang", default="en",
                   help="page language, of the interface and the labels: en, ar (right-to-left) "
                        "or es (a list such as ar,en: the first is used)")
    p.add_argument("--edition", metavar="EDITION[,EDITION]",
                   help="only articles of these editions (slug such as almayadeen-ar, bbc)")

    p = parsers["site"]
    _store_arg(p)
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="the site folder")
    p.add_argument("--lang", default="en", type=_site_lang,
                   help="interface and label language: en, ar, es, a list (en,ar) or all; with "
                        "several, DIR/en, DIR/ar... with a language switch on every page (default en)")

    p = parsers["serve"]
    _store_arg(p)
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--timeout", type=_positive(float), default=30.0, metavar="SECONDS",
                   help="time limit of a query; its worker is stopped after it (default 30)")
    p.add_argument("--max-concurrent", type=_positive(int), default=4, metavar="N",
                   help="queries running at once, each in its own process (default 4)")
    p.add_argument("--queue-wait", type=_positive(float), default=10.0, metavar="SECONDS",
                   help="how long a query waits for a free worker before a 503 (default 10)")
    p.add_argument("--max-body", type=_positive(int), default=1_000_000, metavar="BYTES",
                   help="largest request body (default 1000000)")
    p.add_argument("--max-result", type=_positive(int), default=100_000_000, metavar="BYTES",
                   help="largest result; a larger one is cut (default 100000000)")

    p = parsers["eval"]
    p.add_argument("task", choices=["ner"])
    p.add_argument("file", metavar="FILE.conll")
    p.add_argument("--lang", required=True, choices=["en", "ar", "es"])
    p.add_argument("--raw-text", action="store_true",
                   help="re-tokenise each sentence with the pipeline's own tokenizer instead of "
                        "tagging the gold tokens (the CoNLL convention, default)")

    p = parsers["watch"]
    p.add_argument("inputs", nargs="+", metavar="FEED-OR-FOLDER",
                   help="feed or page URLs, files, folders or globs")
    _store_arg(p)
    p.add_argument("--state", metavar="DIR",
                   help="with a server --store: the local working copy of the build's state "
                        "(as for kg build)")
    p.add_argument("--every", type=_positive(float), default=15.0, metavar="MINUTES",
                   help="minutes from the start of one round to the next (default 15)")
    p.add_argument("--rounds", type=_positive(int), metavar="N",
                   help="stop after N rounds (default: until Ctrl-C, which ends the watch "
                        "once the running round is written)")
    p.add_argument("--no-pages", action="store_true",
                   help="keep the feed's own text of each item; do not fetch the linked pages")
    p.add_argument("--timeout", type=_positive(float), default=10.0, metavar="SECONDS",
                   help="time allowed for each feed or page download (default 10)")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="extraction processes (default 1)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run extraction and story embedding on the workers of this Dask scheduler")
    p.add_argument("--no-translate", action="store_true",
                   help="never ask the online translator (cached answers are still used)")
    p.add_argument("--offline", action="store_true",
                   help="no Wikidata or translation requests (feeds are still fetched)")

    p = parsers["validate"]
    _store_arg(p)

    p = parsers["kb"]
    kb_sub = p.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    help_ = ("stream a Wikidata JSON dump (.json, .json.gz, .json.bz2 or JSONL) into the "
             "on-disk index the build uses")
    p = kb_sub.add_parser("import", help=help_, description=help_)
    p.add_argument("dump", metavar="DUMP", help="latest-all.json.gz, .bz2, .json or .jsonl")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="index folder (default: $MKG_KB_DIR or ~/.local/share/mkg/kb)")
    p.add_argument("--min-sitelinks", type=int, default=2, metavar="N",
                   help="keep entities with at least N sitelinks (default 2)")
    p.add_argument("--classes", metavar="FILE",
                   help="extra 'QID TYPE' lines (TYPE: PER, ORG, LOC, EVENT or - to drop) "
                        "for the P31 class table")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="parse in N worker processes (default 1)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    handler = COMMANDS[args.command][0]
    from kg.rdf.store import QueryError, StoreError

    try:
        handler(args)
    except (UserError, QueryError, StoreError) as exc:
        print(f"kg {args.command}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


#: commands after which the process ends at once, its objects left to the system: a build
#: holds millions of them, which the interpreter frees one by one at exit (1.3-1.5 s after adding
#: 50 articles to the whole corpus, as long as the build's linking). A build has closed and
#: flushed everything it writes before it returns.
QUICK_EXIT = frozenset({"build"})


def run() -> None:
    """The ``kg`` command: :func:`main` on the command line, then exit with its status."""
    status = main()
    command = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    if command in QUICK_EXIT:
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    run()
