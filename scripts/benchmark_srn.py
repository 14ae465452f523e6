"""
Forward and backward time of the `srn` encoder against a `torch.nn.LSTM` of the same input and
hidden size, in one run on the same batch (issue 8's target: SRN at most 3x the LSTM).

    .venv/bin/python scripts/benchmark_srn.py
    .venv/bin/python scripts/benchmark_srn.py --tasks entity,relation --bidirectional
    .venv/bin/python scripts/benchmark_srn.py --lstm-hidden-dim 270

The three-task SRN has 2.7x the multiply-adds per word of an LSTM of its size (nine gate blocks
and the cell's projection of seven memories, against four gate blocks); an LSTM of hidden size
270 has about as many as the SRN of hidden size 128, so that ratio isolates the cost of the
recurrence's many small operations from the arithmetic the equations ask for.
"""
import argparse

import torch
from timing import median_seconds

from jointre_plugins.encoders.srn import SelectionRecurrentNetwork


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--num-tokens", type=int, default=40)
    parser.add_argument("--input-dim", type=int, default=384, help="default: MiniLM-L6's width")
    parser.add_argument("--hidden-dim", type=int, default=128, help="default: the paper's (appendix D)")
    parser.add_argument("--lstm-hidden-dim", type=int, help="default: the SRN's")
    parser.add_argument("--tasks", default="entity,subject,object")
    parser.add_argument("--bidirectional", action="store_true")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs; the median is reported")
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    inputs = torch.randn(args.batch_size, args.num_tokens, args.input_dim)
    mask = torch.ones(args.batch_size, args.num_tokens, dtype=torch.bool)
    srn = SelectionRecurrentNetwork(
        args.input_dim, args.hidden_dim, tasks=args.tasks.split(","), bidirectional=args.bidirectional
    )
    lstm_hidden_dim = args.lstm_hidden_dim or args.hidden_dim
    lstm = torch.nn.LSTM(args.input_dim, lstm_hidden_dim, batch_first=True, bidirectional=args.bidirectional)

    def srn_step() -> None:
        srn.zero_grad()
        srn(inputs, mask).sum().backward()

    def lstm_step() -> None:
        lstm.zero_grad()
        lstm(inputs)[0].sum().backward()

    srn_seconds = median_seconds(srn_step, args.repeats, warmups=2)
    lstm_seconds = median_seconds(lstm_step, args.repeats, warmups=2)
    print(
        f"batch {args.batch_size} x {args.num_tokens} words, input {args.input_dim}, hidden {args.hidden_dim} "
        f"(lstm {lstm_hidden_dim}), "
        f"tasks {args.tasks}, bidirectional {args.bidirectional}, {args.threads} threads, "
        f"forward + backward, median of {args.repeats}"
    )
    print(f"srn   {srn_seconds * 1000:8.1f} ms")
    print(f"lstm  {lstm_seconds * 1000:8.1f} ms")
    print(f"srn / lstm  {srn_seconds / lstm_seconds:.2f}")


if __name__ == "__main__":
    main()
