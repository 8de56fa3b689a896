"""The cost of recording activation statistics: `fit` with and without `stats_every`, alternating, in one process.

    python benchmarks/stats_overhead.py --device cpu --every 10 --out benchmarks/RESULTS.md

Each repeat trains `--steps` updates of a fresh model (`fit(..., updates=steps)`, its end-of-run validation on 1,000
test images included) without statistics and with `stats_every=EVERY`, in alternating order; prints ms per update
and the median ratio, and with `--out` appends the same as a Markdown block with the command and the machine.
"""
import argparse, shlex, statistics, sys, time
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))
from bench import machine
from mnistbn.data import load_mnist, resolve_device
from mnistbn.models import MODELS, build
from mnistbn.train import fit

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default=None); p.add_argument('--model', default='conv', choices=list(MODELS))
    p.add_argument('--steps', type=int, default=200); p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--every', type=int, action='append', default=None, help='stats_every values to time (repeat the flag; default 10)')
    p.add_argument('--threads', type=int, default=None); p.add_argument('--out', default=None)
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    dev, every = resolve_device(a.device), a.every or [10]
    d = load_mnist(device=dev, n_train=a.steps * 64, n_valid=1000)
    def run(k):
        t = time.perf_counter()
        fit(build(a.model, d.mean, d.std, seed=0), d, ((1, 1e-2),), updates=a.steps, progress=False, stats_every=k)
        return (time.perf_counter() - t) / a.steps * 1000
    run(None)   # warm-up
    times = {k: [] for k in [None, *every]}
    for r in range(a.repeats):
        for k in (list(times) if r % 2 == 0 else list(times)[::-1]): times[k].append(run(k))
    base = statistics.median(times[None])
    lines = [f"- `{a.model}`, {a.steps} updates a repeat, {a.repeats} repeats; {machine(dev)}",
             f"- without statistics: {base:.2f} ms/update (median)"]
    for k in every:
        ratios = [t / b for t, b in zip(times[k], times[None])]
        lines.append(f"- `stats_every={k}`: {statistics.median(times[k]):.2f} ms/update, **{statistics.median(ratios):.3f}x** "
                     f"(median of paired ratios; range {min(ratios):.3f}-{max(ratios):.3f})")
    text = '\n'.join(lines)
    print(text)
    if a.out:
        cmd = 'python benchmarks/stats_overhead.py ' + ' '.join(shlex.quote(x) for x in sys.argv[1:] if x != a.out and x != '--out')
        with open(a.out, 'a') as f: f.write(f"\n### Activation statistics' overhead ({time.strftime('%Y-%m-%d')})\n\n    {cmd}\n\n{text}\n")

if __name__ == '__main__': main()
