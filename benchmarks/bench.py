"""Time mnistbn's training loop against the textbook PyTorch loop, side by side in one process.

    python benchmarks/bench.py --device cpu --out benchmarks/RESULTS.md

Both loops train the same model with the same Adam, loss and batch size on the same device. After a warm-up, each
repeat times `--steps` training steps of the baseline and of `mnistbn.train.fit` (one epoch over a subset of
exactly that many batches, its end-of-epoch validation on 64 images included), alternating the two. Then one full
epoch and one validation pass of each. Prints ms per step, images per second and the median ratio, and with
`--out` appends the same as a Markdown block with the command and the machine.
"""
import argparse, os, platform, statistics, sys, time
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))
from baseline import textbook_loader, textbook_model, textbook_train, textbook_evaluate
from mnistbn.data import MNISTData, load_mnist, resolve_device
from mnistbn.models import MODELS
from mnistbn.train import evaluate, fit
from mnistbn.seeds import fit_seeds

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

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default=None); p.add_argument('--model', default='conv', choices=list(MODELS))
    p.add_argument('--steps', type=int, default=100); p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--threads', type=int, default=None, help='torch intra-op threads (default: torch default)')
    p.add_argument('--no_epoch', action='store_true', help='skip the full-epoch and validation timings')
    p.add_argument('--fast', default='', help='comma-separated fit fast paths to enable: channels_last, fused, compile')
    p.add_argument('--seeds', type=int, default=0, help='also time N seeds trained by fit_seeds against N separate fits')
    p.add_argument('--out', default=None, help='append the results as Markdown to this file')
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    device = resolve_device(a.device)
    fast = {k: True for k in a.fast.split(',') if k}
    full = load_mnist(device=device)
    sub = MNISTData(full.x_train[:a.steps * 64], full.y_train[:a.steps * 64], full.x_valid[:64], full.y_valid[:64], full.mean, full.std)
    make = MODELS[a.model]
    loader = textbook_loader(True, full.mean, full.std, device=device)
    base_model = textbook_model(make(full.mean, full.std, seed=0)).to(device)
    ours_model = make(full.mean, full.std, seed=0)
    run_base = lambda: textbook_train(base_model, loader, device, a.steps)
    run_ours = lambda: fit(ours_model, sub, ((1, 1e-3),), progress=False, **fast)
    run_base(); run_ours()                                  # warm-up (and compilation, where enabled)
    tb, to = [], []
    for _ in range(a.repeats):
        tb.append(timed(run_base, device) / a.steps); to.append(timed(run_ours, device) / a.steps)
    rows = [('textbook loop', statistics.median(tb)), ('mnistbn fit' + (f" ({a.fast})" if a.fast else ''), statistics.median(to))]
    ratio = statistics.median(b / o for b, o in zip(tb, to))
    lines = [f"| loop | ms/step | images/s |", "|---|---|---|"]
    lines += [f"| {n} | {t * 1000:.2f} | {64 / t:,.0f} |" for n, t in rows]
    lines.append(f"\nmedian speed-up of fit over the textbook loop: **{ratio:.2f}x** ({a.repeats} repeats of {a.steps} steps, {a.model} model)")
    if not a.no_epoch:
        te = timed(lambda: textbook_train(base_model, loader, device), device)
        tv = timed(lambda: textbook_evaluate(base_model, textbook_loader(False, full.mean, full.std, device=device), device), device)
        h = fit(ours_model, full, ((1, 1e-3),), progress=False, **fast)
        ov = timed(lambda: evaluate(ours_model, full.x_valid, full.y_valid), device)
        lines.append(f"\none full epoch (60,000 images): textbook {te:.1f} s, fit {h.records[0]['seconds']:.1f} s (its validation included); "
                     f"validation pass (10,000 images): textbook {tv:.2f} s, fit's evaluate {ov:.2f} s")
    if a.seeds:
        sep = lambda: [fit(make(full.mean, full.std, seed=s), sub, ((1, 1e-3),), seed=s, progress=False, **fast) for s in range(a.seeds)]
        together = lambda: fit_seeds(make, sub, range(a.seeds), ((1, 1e-3),), progress=False)
        sep(); together()                                   # warm-up
        ts, tt = timed(sep, device), timed(together, device)
        lines.append(f"\n{a.seeds} seeds x {a.steps} steps: {a.seeds} separate fits {ts:.2f} s, fit_seeds {tt:.2f} s "
                     f"(**{ts / tt:.2f}x**)")
    cmd = 'python ' + ' '.join(sys.argv)
    block = f"### {time.strftime('%Y-%m-%d')}, {device.type}: {machine(device)}\n\n`{cmd}`\n\n" + '\n'.join(lines) + '\n'
    print(block)
    if a.out:
        with open(a.out, 'a') as f: f.write('\n' + block)

if __name__ == '__main__': main()
