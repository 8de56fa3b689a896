"What the end-to-end tests share: the data they use, the environment of the commands they start, the error check."
import os
from mnistbn.data import check_mnist

DATA = check_mnist().parents[1].resolve()   # $MNISTBN_DATA, else the default cache, where MNIST is downloaded if missing
ENV = {**os.environ, 'MNISTBN_DATA': str(DATA), 'MPLBACKEND': 'Agg', 'PYTHONUNBUFFERED': '1'}

def one_line_error(r, *says):
    "A command that failed as a user's mistake should: exit status 2, one line on stderr saying each of `says`."
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert 'Traceback' not in r.stderr and r.stderr.strip().count('\n') == 0, r.stderr
    for s in says: assert s in r.stderr, r.stderr
