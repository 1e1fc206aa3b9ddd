"""``data``: inspect and fill the data directory through the active data manager.

python -m genome_kit data info                 where files come from
python -m genome_kit data ls [--local|--remote] [--genomes] [PATTERN]
python -m genome_kit data get NAME...          fetch (if needed), print local paths
python -m genome_kit data path [NAME...]       local paths, without fetching
python -m genome_kit data upload FILE... [--name NAME] [--meta KEY=VALUE] [--overwrite]
python -m genome_kit data build TARGET OUTPUT_DIR [options]   a shipped recipe (see --help)
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys


def add_parser(sub, prog: str) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser(
        "data",
        help="list, fetch and upload data files (data directory / storage bucket)",
        description="The data files genome_kit opens (NAME.2bit, NAME.chrom.sizes, CONFIG.gkanno, ...) are "
        "looked up in the data directory ($GENOMEKIT_DATA_DIR, or a per-user directory), then fetched from "
        "the storage bucket ($GENOMEKIT_STORAGE_BUCKET) when absent. These commands show and fill it.",
        epilog=f"""examples:
  {prog} data info                       # data directory, bucket, data manager
  {prog} data ls --genomes               # names gk.Genome(...) can open
  {prog} data ls --local 'hg38*'
  {prog} data get hg38.2bit hg38.chrom.sizes
  {prog} data build --list               # shipped recipes (GENCODE, Ensembl, NCBI, UCSC)""",
        formatter_class=raw,
    )
    dsub = p.add_subparsers(dest="data_command", required=True)

    info = dsub.add_parser(
        "info",
        help="show the data manager, data directory and bucket in use",
        description="Print the active data manager, the data directory and the storage bucket.",
    )
    info.set_defaults(func=run_info)

    ls = dsub.add_parser(
        "ls",
        help="list available data files",
        description="List the data files in the data directory and in the storage bucket (both by default).",
        epilog=f"examples:\n  {prog} data ls\n  {prog} data ls --remote 'gencode*'\n"
        f"  {prog} data ls --genomes",
        formatter_class=raw,
    )
    where = ls.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_true", help="only files already in the data directory")
    where.add_argument("--remote", action="store_true", help="only files in the storage bucket")
    ls.add_argument(
        "--genomes", action="store_true", help="list assembly/annotation configs instead of files"
    )
    ls.add_argument("pattern", nargs="?", help="shell-style filter, e.g. 'hg38*'")
    ls.set_defaults(func=run_ls)

    get = dsub.add_parser(
        "get",
        help="fetch files into the data directory if needed; print their paths",
        description="Fetch each NAME into the data directory unless it is there already, and print its "
        "local path.",
        epilog=f"example:\n  {prog} data get hg38.2bit hg38.chrom.sizes",
        formatter_class=raw,
    )
    get.add_argument("names", nargs="+", metavar="NAME", help="file name, as 'data ls' lists it")
    get.set_defaults(func=run_get)

    path = dsub.add_parser(
        "path",
        help="print the data directory, or where NAMEs are stored locally (exit 1 if any is absent)",
        description="Without NAME: print the data directory. With NAMEs: print the local path of each, "
        "without fetching anything; exit status 1 if any is not there.",
    )
    path.add_argument("names", nargs="*", metavar="NAME", help="file name, e.g. hg38.2bit")
    path.set_defaults(func=run_path)

    up = dsub.add_parser(
        "upload",
        help="upload files to the storage bucket (with a sha256 in their metadata)",
        description="Upload FILEs to the storage bucket ($GENOMEKIT_STORAGE_BUCKET), each with its SHA-256 "
        "in its metadata.",
        epilog=f"example:\n  {prog} data upload myasm.2bit myasm.chrom.sizes",
        formatter_class=raw,
    )
    up.add_argument("files", nargs="+", metavar="FILE", help="local file to upload")
    up.add_argument("--name", help="object name (default: the file's base name; only with one FILE)")
    up.add_argument(
        "--meta", action="append", default=[], metavar="KEY=VALUE", help="custom metadata (repeatable)"
    )
    up.add_argument(
        "--overwrite", action="store_true", help="replace an existing object with different content"
    )
    up.set_defaults(func=run_upload)

    build = dsub.add_parser(
        "build",
        help="build a shipped recipe (hg38/gencode/v46, hg19.p13.plusMT/assembly, gencode.v41...) from "
        "its verified upstream files; --list shows them",
        add_help=False,
    )
    build.add_argument("build_args", nargs=argparse.REMAINDER)
    build.set_defaults(func=run_build)


def _manager():
    from . import gk_data

    return gk_data.data_manager


def run_info(args) -> int:
    m = _manager()
    print(f"manager:   {type(m).__module__}.{type(m).__qualname__}")
    print(f"data dir:  {getattr(m, 'data_dir', '?')}")
    source = getattr(m, "source", None)
    print(f"bucket:    {source or '(none: local only)'}")
    if source:
        print(f"timeout:   {m.timeout:g} s; remote misses remembered {m.miss_ttl:g} s")
    emulator = os.environ.get("STORAGE_EMULATOR_HOST")
    if emulator:
        print(f"emulator:  {emulator}")
    return 0


def run_ls(args) -> int:
    m = _manager()
    if args.genomes:
        names = m.list_available_genomes()
    elif args.local:
        names = m.list_local_files() if hasattr(m, "list_local_files") else m.list_files()
    elif args.remote:
        if not hasattr(m, "list_remote_files"):
            raise ValueError(f"{type(m).__name__} has no remote storage to list")
        names = m.list_remote_files()
    else:
        names = m.list_files()
    for name in names:
        if args.pattern is None or fnmatch.fnmatchcase(name, args.pattern):
            print(name)
    return 0


def run_get(args) -> int:
    m = _manager()
    for name in args.names:
        print(m.get_file(name))
    return 0


def run_path(args) -> int:
    from .data_manager import check_filename

    m = _manager()
    if not args.names:
        print(m.data_dir)
        return 0
    status = 0
    for name in args.names:
        path = os.path.join(m.data_dir, check_filename(name))
        print(path)
        if not os.path.isfile(path):
            print(f"{name}: not in {m.data_dir} (fetch it with `data get {name}`)", file=sys.stderr)
            status = 1
    return status


def run_upload(args) -> int:
    if args.name and len(args.files) != 1:
        raise ValueError("--name needs exactly one FILE")
    metadata = {}
    for item in args.meta:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--meta {item!r}: expected KEY=VALUE")
        metadata[key] = value
    m = _manager()
    for filepath in args.files:
        name = args.name or os.path.basename(filepath)
        kwargs = {"overwrite": True} if args.overwrite else {}
        result = m.upload_file(filepath, name, metadata or None, **kwargs)
        print(result if isinstance(result, str) else name)
    return 0


def run_build(args) -> int:
    from ._data_build import main

    return main(args.build_args, prog="genome-kit data build")
