"""Time another version of mnistbn's `fit` against this one, alternating in one process (the 2026-12-03 check that
one trainer for every run costs no speed).

    git worktree add /tmp/old 2941dfe && mkdir -p /tmp/oldpkg && cp -r /tmp/old/mnistbn /tmp/oldpkg/mnistbn_old
    OMP_NUM_THREADS=1 python benchmarks/before_after.py --old /tmp/oldpkg

Any commit works as the old one (2026-12-04: the session's first commit, bb1d914, against its last).

The old package is imported as `mnistbn_old` (its modules import each other relatively, so a copy under that name
works). Both train the same model, seed, data subset and default fast paths; each repeat times both, in alternating
order. Prints ms per step and the median ratio of the new time to the old.
"""
import argparse, statistics, sys, time
import torch
sys.path.insert(0, __file__.rsplit('/', 1)[0])
from bench import machine
from mnistbn.data import MNISTData, load_mnist, resolve_device
from mnistbn.models import build
from mnistbn.train import fit

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--old', required=True, help='a folder holding the old package as mnistbn_old/')
    p.add_argument('--device', default='cpu'); p.add_argument('--steps', type=int, default=100)
    p.add_argument('--repeats', type=int, default=7); p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    sys.path.insert(0, a.old)
    import mnistbn_old.train as old_train, mnistbn_old.models as old_models
    dev = resolve_device(a.device)
    full = load_mnist(device=dev)
    n = a.steps * 64
    sub = MNISTData(full.x_train[:n], full.y_train[:n], full.x_valid[:64], full.y_valid[:64], full.mean, full.std)
    print(f"{machine(dev)}; {a.steps} steps at batch 64, the default fast paths, median of {a.repeats}")
    for name in ('conv', 'bn'):
        made = lambda: (old_models.build(name, full.mean, full.std, seed=0) if hasattr(old_models, 'build')   # 2026-12-04 on
                        else old_models.MODELS[name](full.mean, full.std, seed=0))   # 2941dfe: MODELS held constructors
        old = lambda: old_train.fit(made(), sub, ((1, 1e-3),), progress=False)
        new = lambda: fit(build(name, full.mean, full.std, seed=0), sub, ((1, 1e-3),), progress=False)
        old(); new()                                   # warm-up
        t = {old: [], new: []}
        for r in range(a.repeats):
            for f in (old, new) if r % 2 == 0 else (new, old):
                t0 = time.perf_counter(); f(); t[f].append((time.perf_counter() - t0) / a.steps * 1e3)
        ratios = [b / o for o, b in zip(t[old], t[new])]
        print(f"- {name}: old fit {statistics.median(t[old]):.2f} ms/step, new fit {statistics.median(t[new]):.2f} ms/step; "
              f"new time / old time {statistics.median(ratios):.3f} (repeats {min(ratios):.3f} to {max(ratios):.3f})")

if __name__ == '__main__': main()
