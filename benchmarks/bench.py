"""Time mnistbn's training loop against the textbook PyTorch loop, side by side in one process.

    python benchmarks/bench.py --device cpu --out benchmarks/RESULTS.md
    python benchmarks/bench.py --device cpu --fast none --fast default --out benchmarks/RESULTS.md
    python benchmarks/bench.py --device cuda --fast none --fast default --seeds 8 --table default
    python benchmarks/bench.py --device cuda --no_steps --table default --stack 1 --stack 64 --table_seeds 10

Both loops train the same model with the same Adam, loss and batch size on the same device, in the same float32
arithmetic (on CUDA both with TF32 off, unless a variant asks for `tf32`, and then both with it on). After a
warm-up, each repeat times `--steps` training steps of the baseline and of `mnistbn.train.fit` with each `--fast`
variant (one epoch over a subset of exactly that many batches, its end-of-epoch validation on 64 images
included), alternating them. Then one full epoch and one validation pass of each. Prints ms per step, images per
second and the median ratio, and with `--out` appends the same as a Markdown block with the command and the
machine. `--seeds N` times N seeds trained side by side as one stack by `fit` against N separate fits; `--table FAST`
times the original's whole four-configuration table (its 4 runs of 9 epochs, validation after every epoch, tables
and figure) through `mnistbn.compare.compare`, with `--table_seeds N` seeds per configuration and with `--stack N`
at most N runs a stack (repeat it to time several N; 1: one run after another). `--no_steps` leaves out the
textbook loop.
"""
import argparse, os, platform, shlex, statistics, sys, tempfile, time
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))
from baseline import textbook_loader, textbook_model, textbook_train, textbook_evaluate
from mnistbn.data import MNISTData, load_mnist, resolve_device
from mnistbn.models import MODELS, build
from mnistbn.fast import fast_paths, float32_precision
from mnistbn.evaluate import evaluate
from mnistbn.train import fit
from mnistbn.compare import compare

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()

def timed(f, device):
    sync(device); t = time.perf_counter(); f(); sync(device)
    return time.perf_counter() - t

def machine(device) -> str:
    if device.type == 'cuda': return f"{torch.cuda.get_device_name(device)}, torch {torch.__version__}"
    cpu = platform.processor() or 'unknown CPU'
    try: cpu = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): pass
    return f"{cpu}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads, torch {torch.__version__}"

def label(fast:str, on:dict) -> str:
    names = ','.join(k for k, v in on.items() if v) or 'plain'
    return f"mnistbn fit ({'default: ' if fast == 'default' else ''}{names})"

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default=None); p.add_argument('--model', default='conv', choices=list(MODELS))
    p.add_argument('--steps', type=int, default=100); p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--threads', type=int, default=None, help='torch intra-op threads (default: torch default)')
    p.add_argument('--no_epoch', action='store_true', help='skip the full-epoch and validation timings')
    p.add_argument('--fast', action='append', default=None,
                   help="fit's fast paths for one variant: default (the device's), none (the plain path) or names, comma-separated "
                        "(channels_last, fused, compile, graphs, cudnn_benchmark, tf32, bf16); repeat the flag to time several variants (default: none)")
    p.add_argument('--seeds', type=int, action='append', default=[],
                   help="also time N seeds trained as one stack against N separate fits, both with the last variant's fast paths; "
                        "repeat the flag for several N")
    p.add_argument('--semantics', action='append', default=[],
                   help="also time fit under these backend semantics (keras-cudnn, keras-theano-cpu, ...) against PyTorch's, "
                        "both on the device's default fast paths; repeat the flag for several")
    p.add_argument('--no_steps', action='store_true', help='skip the textbook loop and the timings against it (for --seeds, --table)')
    p.add_argument('--table', default=None, help="also time the original's four-configuration table with these fast paths")
    p.add_argument('--table_seeds', type=int, default=1, help='seeds per configuration of that table')
    p.add_argument('--lr_switches', default='ignored', help="that table's learning-rate semantics: ignored (its four runs), or "
                                                            "ignored,applied (the grid of eight configurations)")
    p.add_argument('--stack', type=int, action='append', default=None,
                   help="time that table with at most this many runs a stack (compare's stack); repeat the flag to time several "
                        "widths, in the order given (default: the device's default)")
    p.add_argument('--workers', type=int, default=None,
                   help="train that table's stacks in this many worker processes side by side (compare's workers; default: "
                        "the device's: one on a GPU)")
    p.add_argument('--cudnn_benchmark', action='store_true',
                   help="let cuDNN time its algorithms for each convolution's shapes (torch.backends.cudnn.benchmark) in the "
                        "textbook loop: fit sets the flag from its own fast path cudnn_benchmark while it trains")
    p.add_argument('--out', default=None, help='append the results as Markdown to this file')
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    torch.backends.cudnn.benchmark = a.cudnn_benchmark
    device = resolve_device(a.device)
    variants = a.fast if a.fast is not None else ['none']
    speeds = [fast_paths(v, device) for v in variants]
    tf32 = any(s['tf32'] for s in speeds)
    if tf32 and not all(s['tf32'] for s in speeds): sys.exit("bench.py: give tf32 to every variant or to none, so that all loops do the same arithmetic.")
    with float32_precision(tf32):   # the textbook loop gets the arithmetic the fit variants get
        lines = run(a, device, variants, speeds)
    cmd = 'python ' + shlex.join(sys.argv)
    block = f"### {time.strftime('%Y-%m-%d')}, {device.type}: {machine(device)}\n\n`{cmd}`\n\n" + '\n'.join(lines) + '\n'
    print(block)
    if a.out:
        with open(a.out, 'a') as f: f.write('\n' + block)

def steps(a, device, variants, speeds, full, sub, make) -> list[str]:
    "The textbook loop against each fit variant: ms per step, images per second, median ratio; then a full epoch."
    loader = textbook_loader(True, full.mean, full.std, device=device)
    base_model = textbook_model(make(full.mean, full.std, seed=0)).to(device)
    ours = [make(full.mean, full.std, seed=0) for _ in variants]
    run_base = lambda: textbook_train(base_model, loader, device, a.steps)
    runs = [lambda m=m, s=s: fit(m, sub, ((1, 1e-3),), progress=False, fast=s) for m, s in zip(ours, speeds)]
    run_base(); [r() for r in runs]                        # warm-up (and compilation, where enabled)
    tb, to = [], [[] for _ in runs]
    for _ in range(a.repeats):
        tb.append(timed(run_base, device) / a.steps)
        for t, r in zip(to, runs): t.append(timed(r, device) / a.steps)
    lines = ["| loop | ms/step | images/s | speed-up |", "|---|---|---|---|"]
    lines.append(f"| textbook loop | {statistics.median(tb) * 1000:.2f} | {64 / statistics.median(tb):,.0f} | 1.00x |")
    for v, s, t in zip(variants, speeds, to):
        ratio = statistics.median(b / o for b, o in zip(tb, t))
        lines.append(f"| {label(v, s)} | {statistics.median(t) * 1000:.2f} | {64 / statistics.median(t):,.0f} | **{ratio:.2f}x** |")
    lines.append(f"\nspeed-up: median over {a.repeats} repeats of {a.steps} steps of the ratio to the textbook loop ({a.model} model)")
    if not a.no_epoch:
        te = timed(lambda: textbook_train(base_model, loader, device), device)
        tv = timed(lambda: textbook_evaluate(base_model, textbook_loader(False, full.mean, full.std, device=device), device), device)
        eps = [fit(m, full, ((1, 1e-3),), progress=False, fast=s).records[0]['seconds'] for m, s in zip(ours, speeds)]
        ov = timed(lambda: evaluate(ours[-1], full.x_valid, full.y_valid), device)
        lines.append(f"\none full epoch (60,000 images): textbook {te:.2f} s; " +
                     ', '.join(f"{label(v, s)} {e:.2f} s" for v, s, e in zip(variants, speeds, eps)) + " (fit's validation included); "
                     f"validation pass (10,000 images): textbook {tv:.2f} s, fit's evaluate {ov:.3f} s")
    return lines

def seeds(a, device, variant, fast, full, sub, make, n:int) -> str:
    "n separate fits against one stack of the same n seeds (and, with graphs, the stack without them): medians over repeats."
    sep = lambda: [fit(make(full.mean, full.std, seed=s), sub, ((1, 1e-3),), seed=s, progress=False, fast=fast) for s in range(n)]
    together = lambda kw: fit([make(full.mean, full.std, seed=s) for s in range(n)], sub, ((1, 1e-3),), seed=list(range(n)),
                              progress=False, fast=kw)
    on = lambda d: ','.join(k for k, v in d.items() if v) or 'plain'
    runs = {f"{n} separate fits ({on(fast)})": sep, f"a stack of {n} ({on(fast)})": lambda: together(fast)}
    if fast.get('graphs'):
        eager = {**fast, 'graphs': False}
        runs[f"a stack of {n} ({on(eager)})"] = lambda: together(eager)
    for r in runs.values(): r()                             # warm-up
    ts = {k: statistics.median(timed(r, device) for _ in range(a.repeats)) for k, r in runs.items()}
    base = ts[next(iter(ts))]
    return (f"\n{n} seeds x {a.steps} steps ({a.model} model, median of {a.repeats}): " +
            ', '.join(f"{k} {t:.2f} s" + (f" (**{base / t:.2f}x**)" if i else '') for i, (k, t) in enumerate(ts.items())))

def semantics(a, device, full, sub, make) -> str:
    "fit under each of a.semantics against PyTorch's semantics, each with fit's default fast paths: medians over repeats."
    runs = {name: (lambda name=name: fit(make(full.mean, full.std, seed=0, semantics=name), sub, ((1, 1e-3),), progress=False))
            for name in ['pytorch', *a.semantics]}
    for r in runs.values(): r()                             # warm-up
    ts = {k: statistics.median(timed(r, device) for _ in range(a.repeats)) / a.steps for k, r in runs.items()}
    return (f"\nbackend semantics, {a.steps} steps ({a.model} model, fit's default fast paths, median of {a.repeats}): " +
            ', '.join(f"{k} {t * 1000:.2f} ms/step" + (f" (**{t / ts['pytorch']:.2f}x** PyTorch's time)" if k != 'pytorch' else '')
                      for k, t in ts.items()))

def run(a, device, variants, speeds) -> list[str]:
    full = load_mnist(device=device)
    sub = MNISTData(full.x_train[:a.steps * 64], full.y_train[:a.steps * 64], full.x_valid[:64], full.y_valid[:64], full.mean, full.std)
    make = lambda *args, **kw: build(a.model, *args, **kw)
    lines = [] if a.no_steps else steps(a, device, variants, speeds, full, sub, make)
    for n in a.seeds: lines.append(seeds(a, device, variants[-1], speeds[-1], full, sub, make, n))
    if a.semantics: lines.append(semantics(a, device, full, sub, make))
    for width in (a.stack or [None]) if a.table is not None else []:
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            compare(d, seeds=range(a.table_seeds), lr_switches=a.lr_switches.split(','), device=device, progress=False, fast=a.table,
                    stack=width, workers=a.workers)
            t = time.perf_counter() - t
            md = (Path(d)/'table.md').read_text()
        runs = f"{4 * len(a.lr_switches.split(','))} x {a.table_seeds} runs"
        at_once = ('' if width is None else f", at most {width} run{'s' if width > 1 else ''} a stack") + (
            f", {a.workers} worker processes" if a.workers else '')
        lines.append(f"\nthe original's four-configuration table ({runs} of 9 epochs on all 60,000 images, validation after every "
                     f"epoch, table and figure written; fast paths {a.table or 'none'}{at_once}): **{t:.1f} s**\n\n{md}")
    return lines

if __name__ == '__main__': main()
