"""
The `allennlp leaderboard` command: the leaderboard of the results of `allennlp grid`.
"""
import argparse
import os

from allennlp.commands.subcommand import Subcommand

from jointre_plugins.harness.leaderboard import (
    CSV_FILE,
    F1_PLOT_FILE,
    LEARNING_CURVES_FILE,
    MARKDOWN_FILE,
    SPEED_ACCURACY_FILE,
    write_leaderboard,
)


@Subcommand.register("leaderboard")
class Leaderboard(Subcommand):
    """
    Writes the leaderboard of a grid's results directory: a Markdown table and a CSV of mean and
    standard deviation per system and corpus, the failed runs, and plots of F1, dev learning curves
    and speed against accuracy.

    Registered as a `Subcommand` with name "leaderboard".
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = (
            "Aggregate the runs of an `allennlp grid` results directory per system and corpus (mean and "
            "standard deviation over seeds and folds) into leaderboard.md, leaderboard.csv and plots."
        )
        subparser = parser.add_parser(self.name, description=description, help="Write the leaderboard of grid results.")
        subparser.add_argument("results", type=str, help="the results directory of `allennlp grid` (holding runs/)")
        subparser.add_argument("--output-dir", default=None, help="defaults to the results directory")
        subparser.set_defaults(func=leaderboard_from_args)
        return subparser


def leaderboard_from_args(args: argparse.Namespace) -> None:
    """Writes the leaderboard the command line asks for, prints its Markdown and where the files went."""
    output = args.output_dir or args.results
    markdown = write_leaderboard(args.results, output)
    print(markdown)
    for name in (MARKDOWN_FILE, CSV_FILE, F1_PLOT_FILE, LEARNING_CURVES_FILE, SPEED_ACCURACY_FILE):
        print(f"Wrote {os.path.join(output, name)}")
