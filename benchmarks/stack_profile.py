"""Where a stack's training step spends its time, kernel by kernel: the question [core]'s GPU targets turn on.

    python benchmarks/stack_profile.py --device cuda --copies 8 --fast channels_last,fused --fast fused
    python benchmarks/stack_profile.py --device cuda --copies 8 --fast channels_last,fused,cudnn_benchmark
    OMP_NUM_THREADS=1 python benchmarks/stack_profile.py --device cpu --copies 2 --steps 5   # the plumbing, on a CPU

For each `--fast` variant (eager: a CUDA graph replays the same kernels, and the profiler cannot see into one), trains
`--copies` copies of the model as one stack for `--steps` updates after as many of warm-up, under `torch.profiler`,
and prints per update: the wall time, the kernels (CUDA) or operators (CPU, by their own time) and the device time they take, and the
`--top` of them by device time, each with its share, its calls per update and its mean time. On a GPU of 2026-12-04 a
stack of 8 took 5.35 ms an update against 0.66 ms for one run alone; this said why (benchmarks/RESULTS.md, "The fifth
GPU session"): cuDNN runs a grouped convolution one kernel per group, and by its heuristics picked a slow one.
The fast path `cudnn_benchmark` (fit's own, the default on CUDA) lets cuDNN time its algorithms for each convolution's
shapes first; without it cuDNN picks by heuristics, and grouped convolutions, which a stack's are, may get slow ones.
`--conv_bmm` tries the stack's convolutions as batched matrix products instead (`F.unfold`: one im2col kernel a sample on CUDA),
`--conv_views` the same over a strided view of the input (the patches copied once), `--linear_loop` its Dense layers
as one product per copy (no weights stacked each update, no gradients split), `--one_group` Adam's fused kernel once
for all copies (it ran once per copy, each its own param group, 65 µs each on the H200): experiments here, not in
mnistbn.
"""
import argparse, time
from collections import defaultdict
import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile
import mnistbn.models, mnistbn.train
from mnistbn.data import load_mnist, resolve_device
from mnistbn.models import MODELS, build
from mnistbn.fast import fast_paths
from mnistbn.train import fit

def _from_patches(layers, cols, N:int, Ho:int, Wo:int):
    "The copies' convolutions of their patches `cols` (S, N*Ho*Wo, C*k*k) as one batched product: (N, S*O, Ho, Wo)."
    w = torch.stack([c.weight.flatten(1).t() for c in layers])   # (S, C*k*k, O)
    out = torch.baddbmm(torch.stack([c.bias for c in layers])[:, None], cols, w)   # (S, N*L, O)
    return out.view(len(layers), N, Ho, Wo, -1).permute(1, 0, 4, 2, 3).reshape(N, -1, Ho, Wo)

def conv_bmm(stacked_layer):
    "`stacked_layer` with a stack's convolutions as batched matrix products (im2col), for `--conv_bmm`."
    def layer(layers, h, mask=None):
        l, S = layers[0], len(layers)
        if not isinstance(l, torch.nn.Conv2d) or S == 1: return stacked_layer(layers, h, mask)
        (k, _), N, (H, W) = l.kernel_size, len(h), h.shape[2:]
        cols = F.unfold(h, k).unflatten(1, (S, -1))   # (N, S, C*k*k, L): the padding is the layer before
        cols = cols.permute(1, 0, 3, 2).reshape(S, N * cols.shape[-1], -1)   # (S, N*L, C*k*k)
        return _from_patches(layers, cols, N, H - k + 1, W - k + 1)
    return layer

def conv_views(stacked_layer):
    """`stacked_layer` with a stack's convolutions as batched matrix products over a strided view of the input (the
    patches copied once, not one im2col kernel per sample as `F.unfold` runs), for `--conv_views`."""
    def layer(layers, h, mask=None):
        l, S = layers[0], len(layers)
        if not isinstance(l, torch.nn.Conv2d) or S == 1: return stacked_layer(layers, h, mask)
        k, N = l.kernel_size[0], len(h)
        patches = h.unflatten(1, (S, -1)).unfold(3, k, 1).unfold(4, k, 1)   # (N, S, C, H', W', k, k), a view
        Ho, Wo = patches.shape[3:5]
        cols = patches.permute(1, 0, 3, 4, 2, 5, 6).reshape(S, N * Ho * Wo, -1)   # (S, N*L, C*k*k)
        return _from_patches(layers, cols, N, Ho, Wo)
    return layer

def linear_loop(stacked_layer):
    "`stacked_layer` with a stack's Dense layers as one product per copy, for `--linear_loop`."
    def layer(layers, h, mask=None):
        if not isinstance(layers[0], torch.nn.Linear) or len(layers) == 1: return stacked_layer(layers, h, mask)
        return torch.stack([F.linear(x, c.weight, c.bias) for x, c in zip(h, layers)])   # no weights copied
    return layer

def one_group(optimizer):
    "`fit`'s optimiser with every copy's parameters in one param group (one fused kernel), for `--one_group`."
    def make(*args):
        opt = optimizer(*args)
        opt.param_groups[0]['params'] = [p for g in opt.param_groups for p in g['params']]
        del opt.param_groups[1:]   # every copy at the first one's rate: here they all train at 1e-3
        return opt
    return make

def kernels(prof, cuda:bool) -> dict:
    "{name: [calls, device µs]} of the profile's kernels (CUDA), or aten operators by their own time (CPU)."
    out = defaultdict(lambda: [0, 0.])
    for e in prof.events():
        if cuda and e.device_type == torch.autograd.DeviceType.CUDA:
            out[e.name][0] += 1
            out[e.name][1] += e.device_time_total if hasattr(e, 'device_time_total') else e.cuda_time_total
        elif not cuda and e.name.startswith('aten::') and e.self_cpu_time_total > 0:
            out[e.name][0] += 1
            out[e.name][1] += e.self_cpu_time_total
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default=None)
    p.add_argument('--model', default='conv', choices=list(MODELS))
    p.add_argument('--copies', type=int, default=8, help='copies trained as one stack')
    p.add_argument('--steps', type=int, default=20, help='updates profiled (after as many of warm-up)')
    p.add_argument('--top', type=int, default=15, help='kernels listed, by device time')
    p.add_argument('--fast', action='append', default=None,
                   help="fast paths of one variant (graphs are left out: the profiler cannot see into a CUDA graph); "
                        "repeat for several (default: the device's default)")
    p.add_argument('--linear_loop', action='store_true',
                   help="an experiment: the stack's Dense layers as one product per copy (each run's own arithmetic) "
                        "instead of a batched product over weights stacked every update")
    p.add_argument('--one_group', action='store_true',
                   help="an experiment: Adam's fused kernel once for all copies (one param group) instead of once per copy")
    p.add_argument('--conv_views', action='store_true',
                   help="an experiment: the stack's convolutions as batched matrix products over a strided view of the "
                        "input (one copy of the patches) instead of grouped convolutions")
    p.add_argument('--conv_bmm', action='store_true',
                   help="an experiment: the stack's convolutions as batched matrix products (im2col) instead of grouped "
                        "convolutions")
    a = p.parse_args()
    device = resolve_device(a.device)
    cuda = device.type == 'cuda'
    if a.conv_bmm: mnistbn.models.stacked_layer = conv_bmm(mnistbn.models.stacked_layer)
    if a.conv_views: mnistbn.models.stacked_layer = conv_views(mnistbn.models.stacked_layer)
    if a.one_group: mnistbn.train._optimizer = one_group(mnistbn.train._optimizer)
    if a.linear_loop: mnistbn.models.stacked_layer = linear_loop(mnistbn.models.stacked_layer)
    data = load_mnist(device=device, n_train=64 * a.steps, n_valid=64)   # one epoch of exactly `steps` updates
    S = a.copies
    print(f"{a.model}, a stack of {S}, {a.steps} updates at batch 64 on {device}"
          f"{' (' + torch.cuda.get_device_name(device) + ')' if cuda else ''}, torch {torch.__version__}"
          + (", convolutions as batched products (im2col)" if a.conv_bmm else '') +
          (", convolutions as batched products over a strided view" if a.conv_views else '') +
          (", Adam's parameters in one group" if a.one_group else '') +
          (", Dense layers one product per copy" if a.linear_loop else ''))
    for fast in a.fast or ['default']:
        on = {**fast_paths(fast, device), 'graphs': False}
        names = ','.join(k for k, v in on.items() if v) or 'plain'
        models = lambda: [build(a.model, data.mean, data.std, seed=s) for s in range(S)]
        train = lambda ms: fit(ms, data, ((1, 1e-3),), seed=list(range(S)), progress=False, fast=on)
        train(models())   # warm-up: cuDNN's choices, allocations
        ms = models()   # built outside the profile
        if cuda: torch.cuda.synchronize()
        t = time.perf_counter()
        with profile(activities=[ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])) as prof:
            train(ms)
            if cuda: torch.cuda.synchronize()
        wall = (time.perf_counter() - t) / a.steps * 1e3
        k = kernels(prof, cuda)
        if not k:   # a torch whose profile lists no kernels as events: its own table instead
            for key in ('self_device_time_total', 'self_cuda_time_total'):
                try:
                    print(prof.key_averages().table(sort_by=key, row_limit=a.top))
                    break
                except (AttributeError, KeyError): pass
            continue
        busy = sum(us for _, us in k.values()) / a.steps / 1e3
        calls = sum(n for n, _ in k.values()) / a.steps
        print(f"\n{names}: {wall:.2f} ms an update under the profiler (validation included), {calls:.0f} "
              f"{'kernels' if cuda else 'operators'} taking {busy:.2f} ms of device time an update")
        for name, (n, us) in sorted(k.items(), key=lambda kv: -kv[1][1])[:a.top]:
            print(f"  {us / a.steps / 1e3 / busy:6.1%} {n / a.steps:6.1f}/update {us / n:9.1f} µs  {name[:110]}")

if __name__ == '__main__': main()
