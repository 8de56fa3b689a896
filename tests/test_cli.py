"The installed console scripts, end to end from a subprocess, as a user runs them."
import json, shutil, signal, subprocess, time
import pytest
from helpers import DATA, ENV, one_line_error, run_each


def run(*args, timeout=600, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, env=ENV, timeout=timeout, **kw)

@pytest.fixture
def out(tmp_path):
    "An output folder that already holds the user's work, which no failure may touch."
    o = tmp_path/'out'; o.mkdir()
    (o/'precious.txt').write_text('earlier results')
    yield o
    assert (o/'precious.txt').read_text() == 'earlier results'

PROGS = ['mnistbn_train', 'mnistbn_compare', 'mnistbn_sweep']
BAD = {   # program: [(arguments, what its one-line error says)]
    'mnistbn_train': [
        (['--lr', '-0.01'], '--lr -0.01'), (['--lr', '0'], '--lr 0.0'), (['--epochs', '1,x'], '--epochs'),
        (['--model', 'resnet'], '--model'), (['--device', 'tpu'], "device 'tpu'"), (['--epochs', '0,8'], '--epochs=0'),
        (['--epochs', ''], '--epochs'), (['--lr_switch', 'maybe'], 'lr_switch'), (['--batch_size', '0'], '--batch_size'),
        (['--fast', 'turbo'], "fast path 'turbo'"), (['--device', 'cpu', '--fast', 'channels_last,graphs'], 'fast path graphs: CUDA only'),
        (['--semantics', 'theano'], "semantics 'theano'")],
    'mnistbn_compare': [
        (['--seeds', 'one'], '--seeds'), (['--lr_switch', 'maybe'], 'lr_switch'), (['--device', 'tpu'], "device 'tpu'"),
        (['--device', 'cpu', '--fast', 'tf32'], 'fast path tf32: CUDA only'),
        (['--semantics', 'relu0=1'], "semantics item 'relu0=1'"), (['--fast', 'none,fused'], "fast path 'none'"),
        (['--stack', '0'], '--stack 0'), (['--stack', 'all'], '--stack all')],
    'mnistbn_sweep': [(['--quick', '--device', 'cpu', *a], says) for a, says in [
        (['--lrs', ''], "--lrs '': the list is empty"), (['--lrs', '0.01,-0.1'], 'learning rate -0.1'), (['--lrs', 'big'], '--lrs'),
        (['--models', 'conv,resnet'], "model 'resnet'"), (['--seeds', '5-1'], 'empty'), (['--loss', 'mse'], "loss 'mse'"),
        (['--updates', '-3'], '--updates -3'), (['--workers', '0'], '--workers 0'), (['--executor', 'slurm'], "executor 'slurm'")]],
}

@pytest.fixture(scope='module')
def bad_runs(tmp_path_factory):
    "Every program's bad arguments, all in one process, into a folder of earlier work: {(prog, args): result}."
    o = tmp_path_factory.mktemp('bad')/'out'; o.mkdir()
    (o/'precious.txt').write_text('earlier results')
    calls = [[prog, '--out', str(o), *args] for prog, cases in BAD.items() for args, _ in cases]
    yield {(c[0], tuple(c[3:])): r for c, r in zip(calls, run_each(*calls))}
    assert (o/'precious.txt').read_text() == 'earlier results' and [p.name for p in o.iterdir()] == ['precious.txt']

@pytest.mark.parametrize('prog,args,says', [(prog, args, says) for prog, cases in BAD.items() for args, says in cases])
def test_bad_arguments(bad_runs, prog, args, says):
    "Run as the installed script (all in one interpreter: torch is imported once), refused in one line, exit 2."
    one_line_error(bad_runs[prog, tuple(args)], says)

def test_unwritable_output_folder(tmp_path):
    (tmp_path/'file').write_text('a file, not a folder')
    for r in run_each(*[[prog, '--out', str(tmp_path/'file'/'out'), '--quick'] for prog in PROGS]):
        one_line_error(r, 'cannot write there')

def test_corrupt_data(tmp_path, out):
    raw = tmp_path/'data'/'MNIST'/'raw'; shutil.copytree(DATA/'MNIST'/'raw', raw)
    b = bytearray((raw/'train-labels-idx1-ubyte').read_bytes()); b[100] ^= 1
    (raw/'train-labels-idx1-ubyte').write_bytes(b)
    for r in run_each(*[[prog, '--out', str(out), '--data', str(tmp_path/'data'), '--quick', '--device', 'cpu']
                        for prog in PROGS[:2]]):
        one_line_error(r, 'train-labels-idx1-ubyte', 'checksum mismatch')

def test_compare_checks_data_before_making_its_folder(tmp_path):
    raw = tmp_path/'data'/'MNIST'/'raw'; shutil.copytree(DATA/'MNIST'/'raw', raw)
    (raw/'t10k-images-idx3-ubyte').write_bytes(b'')
    one_line_error(run('mnistbn_compare', '--out', str(tmp_path/'new'), '--data', str(tmp_path/'data'), '--quick', '--device', 'cpu'),
                   't10k-images-idx3-ubyte', 'truncated')
    assert not (tmp_path/'new').exists()

def test_missing_data_without_network(tmp_path, out):
    "A missing file with no network: torchvision's download fails and the message says what to do."
    env = {**ENV, 'MNISTBN_DATA': str(tmp_path/'nothing'), 'http_proxy': 'http://127.0.0.1:9', 'https_proxy': 'http://127.0.0.1:9',
           'HTTP_PROXY': 'http://127.0.0.1:9', 'HTTPS_PROXY': 'http://127.0.0.1:9', 'no_proxy': '', 'NO_PROXY': ''}
    r = subprocess.run(['mnistbn_train', '--out', str(out), '--quick', '--device', 'cpu'], capture_output=True, text=True,
                       env=env, timeout=300)
    one_line_error(r, 'could not download MNIST', 'MNISTBN_DATA')
    assert not list((tmp_path/'nothing').rglob('*.gz'))

def test_train_end_to_end_interrupt_and_resume(tmp_path):
    o = tmp_path/'run'
    args = ['mnistbn_train', '--out', str(o), '--quick', '--epochs', '1,3', '--device', 'cpu', '--no_progress']
    # a shell that starts a job in the background (nohup ... &) hands it Ctrl-C ignored; the run gets it back
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 300
    while not (o/'history.json').exists() and time.time() < deadline: time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=300)
    if p.returncode == 0: pytest.skip('the run finished before the interrupt arrived')
    assert p.returncode == 130 and '--resume' in err and 'Traceback' not in err, (p.returncode, err)
    done = json.loads((o/'history.json').read_text())
    assert done['status'] == 'running' and 1 <= len(done['records']) < 4
    r = run(*args)                       # without --resume the checkpoint is protected
    one_line_error(r, '--resume')
    r = run(*args, '--resume')
    assert r.returncode == 0, r.stderr
    h = json.loads((o/'history.json').read_text())
    assert h['status'] == 'finished' and [x['lr'] for x in h['records']] == [1e-3] + [1e-4] * 3
    assert h['records'][:len(done['records'])] == done['records']
    assert (o/'history.csv').read_text().count('\n') == 5

def test_log_file_gets_one_line_per_epoch(tmp_path):
    "Written to a file, progress is a line per epoch: no bar redrawn with carriage returns."
    with open(tmp_path/'log.txt', 'w') as log:
        r = subprocess.run(['mnistbn_train', '--out', str(tmp_path/'run'), '--quick', '--epochs', '1,2', '--device', 'cpu'],
                           stdout=log, stderr=subprocess.STDOUT, env=ENV, timeout=600)
    text = (tmp_path/'log.txt').read_text()
    assert r.returncode == 0, text
    assert '\r' not in text and '\x1b' not in text, text[:500]
    assert [l.split(' (')[0] for l in text.splitlines() if l.startswith('Epoch ')] == ['Epoch 1/3', 'Epoch 2/3', 'Epoch 3/3'], text
    assert len(text) < 2000, text
