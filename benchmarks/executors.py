"""Time the original's grid end to end through each executor, as a user runs it: one command per variant, wall
clock from start to exit (Python's start-up, data check, pool or Ray start-up and the table and figure included).

    python benchmarks/executors.py --seeds 0 --quick --out benchmarks/RESULTS.md
    python benchmarks/executors.py --seeds 0 --variant "--workers 1" --variant "--workers 2" --out benchmarks/RESULTS.md

Each variant trains into a fresh temporary folder; the first variant is the reference of the speed-up column.
"""
import argparse, os, platform, shlex, subprocess, sys, tempfile, time
from datetime import date
from pathlib import Path

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--seeds', default='0', help='seeds of the grid, as mnistbn_compare takes them')
    p.add_argument('--quick', action='store_true', help='the quick grid (2,000 images, 1 + 1 epochs)')
    p.add_argument('--lr_switch', default='ignored,applied')
    p.add_argument('--variant', action='append', help='extra mnistbn_compare arguments of one variant (repeatable)')
    p.add_argument('--out', default=None, help='append a Markdown block to this file')
    a = p.parse_args()
    variants = a.variant or ['--workers 1', '--workers 2', '--executor ray']
    base = ['mnistbn_compare', '--seeds', a.seeds, '--lr_switch', a.lr_switch, '--device', 'cpu', '--no_progress'] + (['--quick'] if a.quick else [])
    rows = []
    for v in variants:
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            r = subprocess.run(base + ['--out', d] + shlex.split(v), capture_output=True, text=True)
            secs = time.perf_counter() - t0
            if r.returncode: sys.exit(f"{v}: failed\n{r.stderr}")
            runs = len(list(Path(d).glob('runs/*/history.json')))
        rows.append((v, runs, secs)); print(f"{v}: {runs} runs in {secs:.1f} s", flush=True)
    cmd = 'python benchmarks/executors.py ' + ' '.join(shlex.quote(x) for x in sys.argv[1:])
    lines = [f"### {date.today()}, cpu: {platform.processor() or platform.machine()}, {os.cpu_count()} cores", '', f"`{cmd}`", '',
             '| `mnistbn_compare ' + ' '.join(base[1:]) + '` plus | runs | wall clock | speed-up |', '|---|---|---|---|']
    lines += [f"| `{v}` | {n} | {s:.1f} s | **{rows[0][2] / s:.2f}x** |" for v, n, s in rows]
    block = '\n'.join(lines) + '\n'
    print(block)
    if a.out:
        with open(a.out, 'a') as f: f.write('\n' + block)

if __name__ == '__main__': main()
