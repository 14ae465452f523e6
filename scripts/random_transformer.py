"""
Writes a BERT of random weights and any size, with the packaged MiniLM's word-piece vocabulary, to
a directory that `JOINTRE_TRANSFORMER` can name: the transformer of a timing run where no model hub
is reachable (BERT-base's size by default: 12 layers, 768 wide, 12 heads, 3072 in the feed-forward).

    .venv/bin/python scripts/random_transformer.py --output runs/bert_base_random
    JOINTRE_TRANSFORMER=runs/bert_base_random JOINTRE_TRANSFORMER_DIM=768 JOINTRE_DATA=../shared/datasets \
        .venv/bin/python scripts/benchmark_systems.py --cuda-device 0 \
        --configs training_configs/mge_conll04.jsonnet training_configs/sinet_conll04.jsonnet
"""
import argparse


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", required=True, help="the directory to write")
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--hidden", type=int, default=768)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--intermediate", type=int, default=3072)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    import torch
    import transformers

    from jointre_plugins.embedders.offline_transformer import offline_model_path

    torch.manual_seed(args.seed)
    tokenizer = transformers.AutoTokenizer.from_pretrained(offline_model_path())
    config = transformers.BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=args.hidden,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        intermediate_size=args.intermediate,
    )
    transformers.BertModel(config).save_pretrained(args.output)
    tokenizer.save_pretrained(args.output)
    print(f"wrote a random BERT of {args.layers} layers x {args.hidden} to {args.output}")


if __name__ == "__main__":
    main()
