"What the end-to-end tests share: the data they use, the environment of the commands they start, the error check."
import json, os, subprocess, sys
from mnistbn.data import check_mnist

DATA = check_mnist().parents[1].resolve()   # $MNISTBN_DATA, else the default cache, where MNIST is downloaded if missing
ENV = {**os.environ, 'MNISTBN_DATA': str(DATA), 'MPLBACKEND': 'Agg', 'PYTHONUNBUFFERED': '1'}

def one_line_error(r, *says):
    "A command that failed as a user's mistake should: exit status 2, one line on stderr saying each of `says`."
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert 'Traceback' not in r.stderr and r.stderr.strip().count('\n') == 0, r.stderr
    for s in says: assert s in r.stderr, r.stderr

# Runs each command line read from stdin (an installed console script and its arguments) as the shell would run that
# script, but all of them in this one interpreter: torch is imported once, not once per call (2.5 s a call on a
# 2-core AMD EPYC).
_EACH = r'''
import contextlib, io, json, runpy, shutil, sys, traceback
results = []
for prog, *args in json.loads(sys.stdin.read()):
    script, out, err, code = shutil.which(prog), io.StringIO(), io.StringIO(), 0
    sys.argv = [script, *args]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try: runpy.run_path(script, run_name='__main__')
        except SystemExit as e: code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
        except BaseException:
            code = 1
            traceback.print_exc()
    results.append([code, out.getvalue(), err.getvalue()])
print('\n' + json.dumps(results))
'''

def run_each(*calls:list, env=ENV, timeout=300) -> list:
    "Each command line of `calls` (`[program, *arguments]`), one after another in one process: a result for each."
    r = subprocess.run([sys.executable, '-c', _EACH], input=json.dumps(calls), capture_output=True, text=True, env=env,
                       timeout=timeout)
    assert r.returncode == 0, r.stderr
    results = json.loads(r.stdout.splitlines()[-1])
    return [subprocess.CompletedProcess(a, c, o, e) for a, (c, o, e) in zip(calls, results)]
