"""Run one notebook as `nbdev_test` does (cells with a skipped flag left out) and print the outputs of the cells
carrying a given flag, which `nbdev_test` does not show: `python benchmarks/run_cells.py nbs/02_train.ipynb cuda`."""
import sys
from pathlib import Path
from fastcore.xtras import working_directory
from execnb.shell import CaptureShell
from nbdev.frontmatter import FrontmatterProc
from nbdev.process import NBProcessor

def main(path:str, show:str='cuda', skip:str='slow'):
    fn = Path(path).absolute()
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    flags = lambda c: set((getattr(c, 'directives_', None) or {}).keys())
    k, ok = CaptureShell(fn), True
    try:
        with working_directory(fn.parent): k.run_all(nb, exc_stop=True, preproc=lambda c: c.cell_type != 'code' or bool(flags(c) & {skip}))
    except Exception:
        print(k.prettytb(fname=fn)); ok = False
    for c in nb.cells:
        if c.cell_type == 'code' and show in flags(c):
            for o in c.get('outputs', []): print(''.join(o.get('text', '')), end='')
    print(f"{fn.name}: {'passed' if ok else 'FAILED'}")
    return ok

if __name__ == '__main__': sys.exit(0 if main(*sys.argv[1:]) else 1)
