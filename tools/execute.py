"""Run notebooks and save their cells' outputs into them, so that they read as documentation.

    MNISTBN_DATA=/abs/path/data OMP_NUM_THREADS=1 python tools/execute.py nbs/*.ipynb [--flags slow]

Cells run as `nbdev_test` runs them, from the notebook's folder; a cell flagged `#| slow` or `#| cuda` runs only
when `--flags` names that flag (and, with `--cells`, only if its index is listed), and otherwise keeps the output it
had (`--only_flagged`: only the flagged cells' outputs are saved, as a GPU run of the `cuda` cells wants). Progress-bar displays and torch's log lines on stderr are dropped, and an
output that names a path of this machine (a temporary folder, the home folder, the checkout) stops the run, since a
reader's machine has none of them. Then `nbdev_clean` normalises the notebooks."""
import argparse, re, subprocess, sys, tempfile
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory

FLAGGED = ('slow', 'cuda')

def flags(cell) -> set:
    "The test flags among a cell's `#|` directives."
    lines = [l for l in cell.source.splitlines() if l.startswith('#|')]
    return {w for l in lines for w in l[2:].split() if w in FLAGGED}

def noise(out) -> bool:
    "A progress bar's display (fastprogress' HTML, or an empty update of it), or a library's log line on stderr."
    data = out.get('data', {})
    html = ''.join(data.get('text/html', ''))
    if out.get('output_type') == 'display_data' and 'text/html' in data and ('<progress' in html or html.strip() in ('', '<div></div>')):
        return True
    return out.get('name') == 'stderr' and all(re.match(r'[WI]\d{4} ', l) for l in ''.join(out['text']).splitlines())

def without_images(out) -> dict:
    "An output without its images' data, whose base64 can spell a path such as '/tmp' by chance."
    return {k: v for k, v in out.items() if k != 'data'} | {k: v for k, v in out.get('data', {}).items() if not k.startswith('image/')}

def machine_paths():
    here = str(Path.cwd().resolve())
    return [p for p in {tempfile.gettempdir(), str(Path.home()), here, str(Path(here).parent)} if p not in ('/', '')]

def run(path:Path, run_flags:set, only_flagged:bool=False, cells:set|None=None) -> None:
    nb = read_nb(path)
    keep = {id(c): c.get('outputs', []) for c in nb.cells}
    index = {id(c): i for i, c in enumerate(nb.cells)}
    unlisted = lambda c: cells is not None and bool(flags(c)) and index[id(c)] not in cells
    skip = lambda c: c.cell_type != 'code' or bool(flags(c) - run_flags) or unlisted(c)
    shell = CaptureShell(path)
    with working_directory(path.parent): shell.run_all(nb, exc_stop=True, preproc=skip)
    bad = []
    for c in nb.cells:
        if c.cell_type != 'code': continue
        if skip(c) or (only_flagged and not flags(c)):
            c['outputs'] = keep[id(c)]
            continue
        c['outputs'] = [o for o in c.get('outputs', []) if not noise(o)]
        text = repr([without_images(o) for o in c['outputs']])
        bad += [(c.source.splitlines()[0], p) for p in machine_paths() if p in text]
    if bad: sys.exit(f"{path}: outputs name paths of this machine: {bad}")
    write_nb(nb, path)
    print(f"{path}: {sum(bool(c.get('outputs')) for c in nb.cells if c.cell_type == 'code')} cells with outputs")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='+', type=Path)
    p.add_argument('--flags', default='', help='test flags whose cells run too, e.g. "slow"')
    p.add_argument('--only_flagged', action='store_true',
                   help="save only the outputs of the cells carrying one of --flags (a GPU's cuda cells), keep the others' as they were")
    p.add_argument('--cells', type=int, nargs='+',
                   help='with one notebook: of its flagged cells, run only these (indexes into its cells, from 0)')
    p.add_argument('--no_clean', action='store_true', help='leave out nbdev_clean (when several runs share the folder)')
    a = p.parse_args()
    if a.cells and len(a.notebooks) > 1: p.error('--cells: give one notebook')
    for nb in a.notebooks: run(nb.resolve(), set(a.flags.split()), a.only_flagged, a.cells and set(a.cells))
    if not a.no_clean: subprocess.run(['nbdev_clean'], check=True)
