"""Runs as branches of one CUDA graph: each copy its own stream, no threads. An experiment outside mnistbn.

    python benchmarks/branches.py --device cuda --runs conv:2,bn:2 --runs conv:40 --runs conv:40,bn:40
    OMP_NUM_THREADS=1 python benchmarks/branches.py --device cpu --runs conv:2,bn:1 --steps 5   # the plumbing

On the GPU of 2026-12-04 cuDNN ran a stack's grouped convolutions one kernel per copy (RESULTS.md, "The fifth GPU
session"), so a stack saved launches but did not widen a kernel: a stack of 8 took 0.43 ms of device time a copy
against 0.51 ms for a run alone, and [core]'s targets need under 0.3 ms a run-update (the table) and under 0.09 (the
80-run grid). A run alone leaves most of the GPU idle. This asks whether runs that really run at once reach them:
every run is trained exactly as alone (`fit`'s own step on a stack of one, its own Adam), but the runs' steps are
captured into one CUDA graph, each forked onto a stream of its own and joined back, so that the GPU may run their
kernels side by side. Runs of different models (the original's table: two conv, two BN) can share one graph.

For each `--runs` set (model:count, comma-separated; the n-th run of a model gets seed n and lr 1e-3 or, every
other run, 1e-2, as the original's table), after warm-up and capture, times `--steps` updates (median of
`--repeats`) of: the runs alone, one after another (each its own graph); the runs as stacks, one per model, one after
another (`fit`'s path); and the runs as branches of one graph. Prints ms an update for the set, ms a run-update, and
what 8,442 updates (the original's 9 epochs) would take, validation aside. Then checks that a branch trains exactly as
its run alone: the largest difference, over the runs, in the last update's loss sums (0 expected: the same kernels
on the same data). On a CPU there are no streams or graphs: the branches run one after another, the same arithmetic.
"""
import argparse, dataclasses, statistics, time
import torch
from mnistbn.data import load_mnist, resolve_device
from mnistbn.models import build, Stack
from mnistbn.fast import GraphedStep, cudnn_benchmark, float32_precision
from mnistbn.loss import loss_fn
from mnistbn.train import FitOptions, _net, _optimizer, _step, epoch_batches, per_copy

def runs_of(spec:str) -> list[tuple[str, float, int]]:
    "'conv:2,bn:2' as (model, lr, seed) per run: the n-th run of a model gets seed n, lr 1e-3 or 1e-2 in turn."
    out = []
    for part in spec.split(','):
        model, _, n = part.partition(':')
        out += [(model, (1e-3, 1e-2)[i % 2], i) for i in range(int(n or 1))]
    return out

def parts(runs, data, fast:str):
    "One stack's pieces (`fit`'s): its models, net, optimiser and its eager step (graphs set aside) for these runs."
    models = [build(m, data.mean, data.std, seed=s) for m, _, s in runs]
    c = per_copy(models, data, [((1, lr),) for _, lr, _ in runs], [s for *_, s in runs], 'applied', 64, 'keras',
                 'adam', None, None, FitOptions(fast=fast, progress=False))
    net = _net(models, data.x_train.device, c.on)[1]
    opt = _optimizer(models, c, False)   # with graphs: capturable, its rate in a device tensor
    eager = _step(net, opt, loss_fn('keras'), None, dataclasses.replace(c, on={**c.on, 'graphs': False}), models, None)
    return models, opt, eager, c.on

class _Optimizers:
    "What `GraphedStep` asks of an optimiser, for several."
    def __init__(self, opts): self.opts = opts
    def zero_grad(self, set_to_none=True):
        for o in self.opts: o.zero_grad(set_to_none=set_to_none)

def grouped(groups:list, runs, data, fast):
    "One step (and graph) per group of runs, as `fit` trains a stack: each step takes its copies' slices of a batch."
    out = []
    for idx in groups:
        _, opt, eager, on = parts([runs[i] for i in idx], data, fast)
        step = GraphedStep(eager, opt, (len(idx), 64, 1, 28, 28)) if on['graphs'] else eager
        ix = torch.tensor(idx, device=data.x_train.device)
        out.append(lambda xb, yb, *m, ix=ix, step=step: step(xb[ix], yb[ix], *(k[ix] for k in m)))
    return out

def alone(runs, data, fast):
    "Each run its own step (and graph): a stack of one."
    return grouped([[i] for i in range(len(runs))], runs, data, fast)

def stacks(runs, data, fast):
    "One stack per model, as `fit` trains them."
    by = {}
    for i, r in enumerate(runs): by.setdefault(r[0], []).append(i)
    return grouped(list(by.values()), runs, data, fast)

def branches(runs, data, fast):
    "Every run as a branch of one step (one graph): each on its own CUDA stream, forked and joined in the step."
    pieces = [parts([r], data, fast) for r in runs]
    cuda = data.x_train.device.type == 'cuda'
    streams = [torch.cuda.Stream() if cuda else None for _ in runs]
    def step(xb, yb, *masks):
        here, outs = torch.cuda.current_stream() if cuda else None, []
        for i, ((_, _, eager, _), st) in enumerate(zip(pieces, streams)):
            if st is not None: st.wait_stream(here)   # the fork: the batch is in place
            with torch.cuda.stream(st):   # None: this stream (a CPU)
                outs.append(eager(xb[i:i+1], yb[i:i+1], *(k[i:i+1] for k in masks)))
        for st in streams:
            if st is not None: here.wait_stream(st)   # the join: a graph's capture must end on its own stream
        return torch.cat(outs)
    if not pieces[0][3]['graphs']: return [step]
    return [GraphedStep(step, _Optimizers([p[1] for p in pieces]), (len(runs), 64, 1, 28, 28))]

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()

def measure(make, runs, data, fast, batches, steps:int, repeats:int):
    "(median seconds for `steps` updates of every step, each step's last outputs)."
    device, fs = data.x_train.device, make(runs, data, fast)
    for b in batches[:5]:   # warm-up: GraphedStep's eager calls, then its capture
        for f in fs: f(*b)
    times = []
    for _ in range(repeats):
        sync(device)
        t = time.perf_counter()
        for f in fs:   # one after another, as separate jobs would train
            for i in range(steps): f(*batches[i % len(batches)])
        sync(device)
        times.append(time.perf_counter() - t)
    last = [f(*batches[0]).clone() for f in fs]
    return statistics.median(times), last

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default=None)
    p.add_argument('--runs', action='append', default=None, help="a set of runs, as conv:2,bn:2; repeat for several")
    p.add_argument('--steps', type=int, default=200)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--fast', default='default', help="fit's fast paths for every variant (graphs: the branches' graph)")
    a = p.parse_args()
    device = resolve_device(a.device)
    data = load_mnist(device=device, n_train=64 * 20, n_valid=64)
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'CPU'
    print(f"{name}, torch {torch.__version__}, fast paths {a.fast}, {a.steps} updates, median of {a.repeats}\n")
    print("| runs | variant | ms an update (all runs) | ms a run-update | 8,442 updates | vs alone |")
    print("|---|---|---|---|---|---|")
    for spec in a.runs or ['conv:2,bn:2']:
        runs = runs_of(spec)
        S, dropouts = len(runs), Stack([build(runs[0][0])]).dropouts()
        batches = list(epoch_batches(data, [s for *_, s in runs], 0, 64, 20, dropouts))
        on = parts(runs[:1], data, a.fast)[3]
        res = {}
        with float32_precision(on['tf32']), cudnn_benchmark(on['cudnn_benchmark']):
            for variant, make in [('alone', alone), ('stacks', stacks), ('branches', branches)]:
                res[variant] = measure(make, runs, data, a.fast, batches, a.steps, a.repeats)
                t = res[variant][0] / a.steps
                print(f"| {spec} | {variant} | {t * 1e3:.2f} | {t / S * 1e3:.3f} | {t * 8442:.1f} s | "
                      f"{res['alone'][0] / res[variant][0]:.2f}x |", flush=True)
        alone_out, branch_out = torch.cat(res['alone'][1]), res['branches'][1][0]
        stack_out = torch.cat(res['stacks'][1])   # by model: compared with the runs alone in that order
        order = [i for m in dict.fromkeys(r[0] for r in runs) for i, r in enumerate(runs) if r[0] == m]
        print(f"\n{spec}: the last update's [loss sum, correct] per run, branches against alone: largest difference "
              f"{(branch_out - alone_out).abs().max().item():.3g}; stacks against alone "
              f"{(stack_out - alone_out[order]).abs().max().item():.3g}\n")

if __name__ == '__main__': main()
