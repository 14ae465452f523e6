"""
The bookkeeping of input lines that cannot be predicted, for the `allennlp predict` command.
"""
import atexit
import logging
import os
import sys

logger = logging.getLogger(__name__)


def running_the_predict_command() -> bool:
    """Whether this process is `allennlp predict` (the script or `python -m allennlp`)."""
    return "allennlp" in sys.argv[0] and sys.argv[1:2] == ["predict"]


class FailedLine(dict):
    """
    The output record `{"line": number, "error": problem}` that takes the place of the prediction
    of an input line that cannot be predicted. It is a `dict`, so it prints as JSON, of its own
    type, so the predictor tells it apart from an input.
    """


class FailedLines:
    """
    Counts the input lines read and the lines that cannot be predicted, and makes a process with
    such lines report them and end with exit status 1.

    `allennlp predict` has no hook at the end of a run, so in that command the first failure
    registers an `atexit` handler (a program or notebook that uses the predictor as a library
    gets the error records and warnings, but keeps its own exit status). The handler logs how many lines failed and, unless an uncaught exception already
    ends the process (with a non-zero status of its own), flushes the output streams and the log
    handlers and ends the process with status 1: Python ignores `sys.exit` inside an `atexit`
    handler, so only `os._exit` sets the status, and it skips the handlers registered before
    this one.
    """

    def __init__(self) -> None:
        self.lines_read = 0
        self.failures = 0

    def fail(self, problem: str) -> FailedLine:
        """The record of the line read last, which cannot be predicted because of `problem`."""
        self.failures += 1
        if self.failures == 1 and running_the_predict_command():
            atexit.register(self.exit_with_failure)
        logger.warning("Input line %d cannot be predicted: %s", self.lines_read, problem)
        return FailedLine(line=self.lines_read, error=problem)

    def exit_with_failure(self) -> None:
        """Reports the failed lines and ends the process with status 1."""
        logger.warning(
            "%d of %d input lines could not be predicted; their output lines hold "
            '{"line": ..., "error": ...} records instead of predictions',
            self.failures,
            self.lines_read,
        )
        if getattr(sys, "last_value", None) is not None:
            return
        sys.stdout.flush()
        sys.stderr.flush()
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(1)
