"""How long mnistbn/ is at a commit (`_modidx.py` aside): its lines, as `wc -l` counts them, and its Python tokens
(names, operators, literals and strings; comments, newlines and indentation left out), which wrapping a line or
splitting a cell does not change; with `--detail`, the lines that are nbdev's cell markers (`# %%`), the blank ones
and the rest; `--without F` leaves the module F out (repeat it for several).

    python tools/size.py [REV ...] [--detail] [--without remedies.py]      # default: HEAD"""
import argparse, io, subprocess, tokenize

SKIP = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT, tokenize.ENDMARKER}

def size(rev:str, without=()) -> dict:
    "{'lines', 'markers', 'blank', 'other', 'tokens'} of mnistbn/*.py at `rev`, `_modidx.py` and `without` aside."
    files = subprocess.run(['git', 'ls-tree', '--name-only', rev, 'mnistbn/'], capture_output=True, text=True,
                           check=True).stdout.split()
    out = dict.fromkeys(('lines', 'markers', 'blank', 'other', 'tokens'), 0)
    for f in files:
        if not f.endswith('.py') or f.endswith('_modidx.py') or f.split('/')[-1] in without: continue
        src = subprocess.run(['git', 'show', f'{rev}:{f}'], capture_output=True, text=True, check=True).stdout
        lines = src.splitlines()
        out['lines'] += len(lines)
        out['markers'] += sum(l.startswith('# %%') for l in lines)
        out['blank'] += sum(not l.strip() for l in lines)
        out['tokens'] += sum(t.type not in SKIP for t in tokenize.generate_tokens(io.StringIO(src).readline))
    out['other'] = out['lines'] - out['markers'] - out['blank']
    return out

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('revs', nargs='*', default=['HEAD'])
    p.add_argument('--detail', action='store_true')
    p.add_argument('--without', action='append', default=[])
    a = p.parse_args()
    for rev in a.revs:
        s = size(rev, a.without)
        print(f"{rev}: {s['lines']:,} lines, {s['tokens']:,} tokens" + (
            f" ({s['markers']} cell markers, {s['blank']} blank, {s['other']:,} other)" if a.detail else '') +
            (f", without {', '.join(a.without)}" if a.without else ''))
