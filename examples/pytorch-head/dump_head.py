#!/usr/bin/env python3
"""Dump one attention head of GPT-2 (weights and its input) for mmr.

    pip install torch transformers safetensors numpy
    python3 dump_head.py --layer 5 --head 4                 # -> head.safetensors
    python3 dump_head.py --layer 5 --head 4 --format npy    # -> input.npy, wq.npy, ...
    mmr still head.yaml -o head.png                          # or head-npy.yaml

What is written (T = number of tokens of --text, d = 768, dh = 64 for GPT-2 small):

    input  T x d    the head's input: ln_1 of the residual stream entering the layer
    wq     d x dh   query weights of the head  (Q = input @ wq)
    wk     d x dh   key weights                (K_t = wk^T @ input^T: the scene transposes)
    wv     d x dh   value weights              (V = input @ wv)
    wo     dh x d   the head's rows of the output projection

Hugging Face's GPT-2 stores its projections as Conv1D, `in x out`, so `x @ W` is already
the right orientation. Models built from nn.Linear store `out x in`: take `W.T` (or keep
the tensor and write `transpose: true` in the scene).
"""
import argparse

import numpy as np
import torch
from transformers import GPT2Model, GPT2Tokenizer

TEXT = ("The quick brown fox jumps over the lazy dog. Matrix multiplication is the "
        "workhorse of deep learning, and attention is made of matrix multiplications.")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="gpt2", help="a GPT-2 checkpoint name or folder (default gpt2)")
    ap.add_argument("--layer", type=int, default=5)
    ap.add_argument("--head", type=int, default=4)
    ap.add_argument("--text", default=TEXT, help="the tokens whose hidden states are the input")
    ap.add_argument("--format", choices=["safetensors", "npy"], default="safetensors")
    ap.add_argument("--out", default=".", help="output folder")
    args = ap.parse_args()

    tok = GPT2Tokenizer.from_pretrained(args.model)
    model = GPT2Model.from_pretrained(args.model).eval()
    block = model.h[args.layer]
    d = model.config.n_embd
    dh = d // model.config.n_head
    cols = slice(args.head * dh, (args.head + 1) * dh)

    with torch.no_grad():
        ids = tok(args.text, return_tensors="pt").input_ids
        hidden = model(ids, output_hidden_states=True).hidden_states[args.layer][0]  # T x d
        x = block.ln_1(hidden)                                                      # the head's input
        w = block.attn.c_attn.weight                                                # d x 3d (Conv1D)
        wq, wk, wv = w[:, :d][:, cols], w[:, d:2 * d][:, cols], w[:, 2 * d:][:, cols]
        wo = block.attn.c_proj.weight[cols, :]                                      # dh x d

    tensors = {name: t.detach().float().contiguous().numpy()
               for name, t in dict(input=x, wq=wq, wk=wk, wv=wv, wo=wo).items()}
    for name, a in tensors.items():
        print(f"{name:6s} {a.shape[0]} x {a.shape[1]}  {a.dtype}")

    if args.format == "safetensors":
        from safetensors.numpy import save_file
        save_file(tensors, f"{args.out}/head.safetensors",
                  metadata={"model": args.model, "layer": str(args.layer), "head": str(args.head)})
        print(f"wrote {args.out}/head.safetensors")
    else:
        for name, a in tensors.items():
            np.save(f"{args.out}/{name}.npy", a)
        print(f"wrote {', '.join(n + '.npy' for n in tensors)} in {args.out}")


if __name__ == "__main__":
    main()
