"""How long mnistbn/ is at a commit (`_modidx.py` aside): its lines, as `wc -l` counts them, and its Python tokens
(names, operators, literals and strings; comments, newlines and indentation left out), which wrapping a line or
splitting a cell does not change.

    python tools/size.py [REV ...]      # default: HEAD"""
import io, subprocess, sys, tokenize

SKIP = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT, tokenize.ENDMARKER}

def size(rev:str) -> tuple[int, int]:
    "(lines, tokens) of mnistbn/*.py at `rev`, `_modidx.py` aside."
    files = subprocess.run(['git', 'ls-tree', '--name-only', rev, 'mnistbn/'], capture_output=True, text=True,
                           check=True).stdout.split()
    lines = tokens = 0
    for f in files:
        if not f.endswith('.py') or f.endswith('_modidx.py'): continue
        src = subprocess.run(['git', 'show', f'{rev}:{f}'], capture_output=True, text=True, check=True).stdout
        lines += len(src.splitlines())
        tokens += sum(t.type not in SKIP for t in tokenize.generate_tokens(io.StringIO(src).readline))
    return lines, tokens

if __name__ == '__main__':
    for rev in sys.argv[1:] or ['HEAD']:
        lines, tokens = size(rev)
        print(f"{rev}: {lines:,} lines, {tokens:,} tokens")
