"""
The `allennlp error-analysis` command: the relation errors of each system by the six types of the
Cascade-SRN paper's appendix E, from a grid's results directory or from prediction files.
"""
import argparse
from typing import Tuple

from allennlp.commands.subcommand import Subcommand

from jointre_plugins.harness.error_analysis import (
    errors_of_files,
    errors_of_results,
    format_table,
    legend,
    notes,
    parse_labelled_file,
    write_reports,
)


@Subcommand.register("error-analysis")
class ErrorAnalysis(Subcommand):
    """
    Counts the relation errors of each system by type, prints them as a table and writes it as
    Markdown and CSV with a bar chart, from either the finished runs of an `allennlp grid` results
    directory (summed per system and corpus) or prediction files of `allennlp predict` (with gold)
    or `allennlp evaluate --predictions-output-file`.

    Registered as a `Subcommand` with name "error-analysis".
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = "Count the relation errors of each system by the six types of the Cascade-SRN paper."
        subparser = parser.add_parser(self.name, description=description, help=description)
        sources = subparser.add_mutually_exclusive_group(required=True)
        sources.add_argument(
            "predictions",
            nargs="*",
            default=[],
            type=_labelled_file,
            metavar="[LABEL=]PREDICTIONS",
            help="prediction files, each labelled as the system it shows (default: its file name)",
        )
        sources.add_argument(
            "--results", type=str, help="a results directory of `allennlp grid`, read instead of prediction files"
        )
        subparser.add_argument(
            "--output-dir",
            type=str,
            help="where to write relation_errors.md, .csv and .png (default: the results directory, "
            "else the current directory)",
        )
        subparser.set_defaults(func=analyse_errors_from_args)
        return subparser


def _labelled_file(argument: str) -> Tuple[str, str]:
    try:
        return parse_labelled_file(argument)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def analyse_errors_from_args(args: argparse.Namespace) -> None:
    """Counts, prints and writes the relation errors the arguments of `error-analysis` ask for."""
    if args.results is not None:
        report = errors_of_results(args.results)
    else:
        report = errors_of_files(args.predictions)
    output_dir = args.output_dir or args.results or "."
    print(format_table(report))
    print(legend())
    for line in notes(report):
        print(line)
    paths = write_reports(report, output_dir)
    print("Wrote " + ", ".join(paths))
