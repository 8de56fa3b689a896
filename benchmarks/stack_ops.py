"""Count the operators a training step of a stack runs (a proxy, on any machine, for the kernels a CUDA graph of the
step replays): the old `fit_seeds` stack (one tensor a layer for all copies) against today's (each copy its own).

    git worktree add /tmp/old 2941dfe && mkdir -p /tmp/oldpkg && cp -r /tmp/old/mnistbn /tmp/oldpkg/mnistbn_old
    OMP_NUM_THREADS=1 python benchmarks/stack_ops.py --old /tmp/oldpkg [--copies 8]

Leaf `aten::` operators per update: the count over 10 updates less the count over 4, over 6; the operators that
differ most are listed (metadata operators such as `as_strided` launch no kernel).
"""
import argparse, sys
from collections import Counter
import torch
from torch.profiler import profile, ProfilerActivity
from mnistbn.data import MNISTData, load_mnist
from mnistbn.models import build
from mnistbn.train import fit

def per_update(train) -> Counter:
    "Leaf aten operators per update of `train(updates)`, from runs of 4 and 10 updates."
    def ops(u):
        train(u)   # warm-up
        with profile(activities=[ProfilerActivity.CPU]) as p: train(u)
        return Counter(e.name for e in p.events() if not e.cpu_children and e.name.startswith('aten::'))
    a, b = ops(4), ops(10)
    return Counter({k: (b[k] - a[k]) / 6 for k in b if b[k] != a[k]})

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--old', required=True, help='a folder holding the old package as mnistbn_old/')
    p.add_argument('--copies', type=int, default=8)
    a = p.parse_args()
    torch.set_num_threads(1)
    sys.path.insert(0, a.old)
    import mnistbn_old.seeds as old_seeds, mnistbn_old.models as old_models
    d, S = load_mnist(device='cpu', n_train=64 * 10, n_valid=64), a.copies
    sub = lambda u: MNISTData(d.x_train[:64 * u], d.y_train[:64 * u], d.x_valid, d.y_valid, d.mean, d.std)
    runs = {'old fit_seeds (fused)': lambda u: old_seeds.fit_seeds(old_models.conv_model, sub(u), seeds=range(S),
                                                                   phases=((1, 1e-3),), progress=False, fused=True)}
    for cl in (False, True):
        runs[f"today's stack (fused{', channels_last' if cl else ''})"] = lambda u, cl=cl: fit(
            [build('conv', d.mean, d.std, seed=s) for s in range(S)], d, ((1, 1e-3),), seed=list(range(S)), updates=u,
            progress=False, fast=dict(fused=True, channels_last=cl))
    for name, train in runs.items():
        c = per_update(train)
        print(f"{name}, {S} copies: {sum(c.values()):.0f} leaf operators an update; most: " +
              ', '.join(f"{k.removeprefix('aten::')} {v:.0f}" for k, v in c.most_common(6)))

if __name__ == '__main__': main()
