"""BatchNorm's batch statistics: `batch_moments` (two passes, as Theano's `var`) against `torch.var_mean`, alternating, in one process.

    python benchmarks/bn_stats.py --device cpu --threads 1 --out benchmarks/RESULTS.md

Each repeat trains `--steps` updates of a fresh BN model (`fit(bn_model(seed=0), ..., updates=steps)`, its
end-of-run validation on 1,000 test images included) and times `precise_statistics` over `--precise` training batches,
once with the running statistics taken by `batch_moments` and once by `torch.var_mean`, in alternating order;
prints ms per update, seconds for `precise_statistics` and the median ratios, and with `--out` appends the same as a
Markdown block with the command and the machine.
"""
import argparse, shlex, statistics, sys, time
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))
from bench import machine
import mnistbn.models
from mnistbn.data import load_mnist, resolve_device
from mnistbn.models import bn_model
from mnistbn.evaluate import precise_statistics
from mnistbn.train import fit

def var_mean(x):
    "The statistics as mnistbn took them before: `torch.var_mean` in one call."
    var, mean = torch.var_mean(x.float(), [0, *range(2, x.dim())], correction=0)
    return mean, var

WAYS = {'two passes': mnistbn.models.batch_moments, 'torch.var_mean': var_mean}

def use(f):
    mnistbn.models.batch_moments = f   # every BatchNorm's statistics go through it (Models)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default=None); p.add_argument('--steps', type=int, default=200)
    p.add_argument('--precise', type=int, default=200); p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--threads', type=int, default=None); p.add_argument('--out', default=None)
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    dev = resolve_device(a.device)
    d = load_mnist(device=dev, n_train=max(a.steps, a.precise) * 64, n_valid=1000)
    step, prec = {k: [] for k in WAYS}, {k: [] for k in WAYS}
    for r in range(a.repeats):
        for k in (list(WAYS) if r % 2 == 0 else list(WAYS)[::-1]):
            use(WAYS[k])
            t = time.perf_counter()
            fit(bn_model(d.mean, d.std, seed=0), d, ((1, 1e-3),), updates=a.steps, progress=False)
            step[k].append((time.perf_counter() - t) / a.steps * 1e3)
            m = bn_model(d.mean, d.std, seed=0).to(dev)
            t = time.perf_counter()
            with precise_statistics(m, d.x_train, a.precise): pass
            prec[k].append(time.perf_counter() - t)
    use(WAYS['two passes'])
    med = statistics.median
    lines = [f"| statistics | ms per update (median of {a.repeats}) | precise_bn over {a.precise} batches, s |", '|---|---|---|']
    lines += [f"| {k} | {med(step[k]):.1f} | {med(prec[k]):.2f} |" for k in WAYS]
    lines += ['', f"two passes against torch.var_mean: an update {med(step['torch.var_mean']) / med(step['two passes']):.2f}x as fast, "
                  f"precise_bn {med(prec['torch.var_mean']) / med(prec['two passes']):.2f}x"]
    text = '\n'.join(lines)
    print(text)
    if a.out:
        cmd = 'python benchmarks/bn_stats.py ' + ' '.join(shlex.quote(x) for x in sys.argv[1:])
        with open(a.out, 'a') as f:
            f.write(f"\n### BatchNorm's statistics, {time.strftime('%Y-%m-%d')}, {machine(dev)}\n\n"
                    f"`{cmd}`\n\n{text}\n")

if __name__ == '__main__': main()
