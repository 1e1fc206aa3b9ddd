"""Command line: ``python -m genome_kit <command> ...`` (also installed as ``genome-kit``).

Each command lives in its own ``_cli_<name>.py`` module exposing
``add_parser(subparsers, prog)`` (``prog``: the program name as typed, for the
examples of its help); the parser it adds sets ``func`` to the function that
runs it.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__, _cli_assembly, _cli_build, _cli_data, _cli_demo, _cli_plot

COMMANDS = [_cli_demo, _cli_build, _cli_assembly, _cli_data, _cli_plot]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # the name the user typed: the installed script or ``python -m genome_kit``
    prog = "genome-kit" if os.path.basename(sys.argv[0]).startswith("genome-kit") else "python -m genome_kit"
    if argv[:2] == ["data", "build"]:  # the recipe builder parses its own options (e.g. --list first)
        from ._data_build import main as build_main

        return build_main(argv[2:], prog=f"{prog} data build")
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Build, fetch and inspect the data files genome_kit reads (assemblies, annotations), "
        "and run a short demo. Each command has its own --help.",
        epilog=f"""examples:
  {prog} demo                                   # a tour on the bundled sample data (offline)
  {prog} build --assembly myasm --fasta myasm.fa.gz --annotation genes.gtf.gz
  {prog} data ls --genomes                      # configs gk.Genome(...) can open
  {prog} data get hg38.2bit                     # fetch a file into the data directory""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.add_parser(sub, prog)
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except (OSError, ValueError, KeyError, RuntimeError, ImportError) as e:
        print(f"error: {e.args[0] if isinstance(e, KeyError) and e.args else e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
