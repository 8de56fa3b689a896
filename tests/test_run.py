"""The executors end to end: the same Histories from a serial run, the local pool and Ray; a killed worker's run resumed;
two drivers on one folder; the Ray executor's errors."""
import json, os, signal, subprocess, time
import pytest
from helpers import ENV, one_line_error, run_each
from mnistbn.run import RunSpec, run_specs
from mnistbn.compare import grid

SPECS = [RunSpec(m, 1e-3, 'ignored', s, quick=True) for m in ('conv', 'bn') for s in (0, 1)]
SHORT = [RunSpec(m, 1e-3, 'ignored', s, quick=True, updates=8) for m in ('conv', 'bn') for s in (0, 1)]   # 8 updates each
QUICK = ['mnistbn_compare', '--quick', '--lr_switch', 'ignored', '--device', 'cpu', '--threads', '1']

def records(h): return [{k: v for k, v in r.items() if k != 'seconds'} for r in h.records]

def test_serial_pool_and_ray_give_identical_histories(tmp_path):
    ray = pytest.importorskip('ray', reason='the [ray] extra is not installed')
    serial = run_specs(SHORT, tmp_path/'serial', device='cpu', workers=1, threads=1, progress=False)
    pool = run_specs(SHORT, tmp_path/'pool', device='cpu', workers=2, threads=1, progress=False)
    try: on_ray = run_specs(SHORT, tmp_path/'ray', device='cpu', workers=2, threads=1, executor='ray', progress=False)
    finally: ray.shutdown()
    for s in SHORT:
        assert records(pool[s]) == records(serial[s]) == records(on_ray[s]), s.id
        assert json.loads((tmp_path/'ray'/'runs'/s.id/'history.json').read_text())['status'] == 'finished'

def test_killed_worker_costs_only_its_epoch(tmp_path):
    out = tmp_path/'cmp'
    p = subprocess.Popen(QUICK + ['--out', str(out), '--workers', '2'], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=ENV)
    victim, deadline = None, time.time() + 300
    while victim is None and p.poll() is None and time.time() < deadline:
        for f in out.glob('runs/*/history.json'):
            h = json.loads(f.read_text())
            if h['status'] == 'running' and len(h['records']) == 1: victim = f.parent; break
        time.sleep(0.02)
    if victim is None: p.kill(); pytest.skip('no run was caught between its epochs')
    os.kill(int((victim/'.lock').read_text().split()[1]), signal.SIGKILL)   # the worker training it
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err
    assert 'a worker process died' in err, err
    spec = next(s for s in grid((0,), ('ignored',), quick=True) if s.id == victim.name)
    resumed = run_specs([spec], out, device='cpu', workers=1, progress=False)[spec]   # reused, not trained again
    alone = run_specs([spec], tmp_path/'alone', device='cpu', workers=1, threads=1, progress=False)[spec]
    assert resumed.status == 'finished' and records(resumed) == records(alone)

def test_two_drivers_never_train_a_run_twice(tmp_path):
    "Two commands on one folder at once (and each, end to end, the quick comparison a user runs first)."
    folder = tmp_path/'cmp'
    args = QUICK + ['--out', str(folder), '--workers', '1']
    drivers = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV) for _ in range(2)]
    outs = [d.communicate(timeout=600) for d in drivers]
    assert [d.returncode for d in drivers] == [0, 0], outs
    assert sum(o.count('Epoch 1/2') for o, _ in outs) == len(SPECS), outs   # each run's first epoch printed once: trained once
    tables = [o[o.index('| |'):o.index('Written')] for o, _ in outs]
    assert tables[0] == tables[1] and 'QUICK MODE' in tables[0] and 'original (Keras 1.2.2)' in tables[0]
    assert {p.name for p in folder.iterdir()} == {'table.md', 'table.csv', 'curves.png', 'runs'}
    assert len(list((folder/'runs').glob('*/history.json'))) == 4

def test_bad_executor_arguments(tmp_path):
    bad = [(['--workers', '0'], '--workers 0'), (['--workers', 'many'], '--workers many'), (['--threads', '-1'], '--threads -1'),
           (['--executor', 'slurm'], "executor 'slurm'")]
    for r, (_, says) in zip(run_each(*[QUICK + ['--out', str(tmp_path/'out')] + args for args, _ in bad]), bad):
        one_line_error(r, says)
    assert not (tmp_path/'out').exists()

def test_ray_not_installed(tmp_path):
    (tmp_path/'shim'/'ray').mkdir(parents=True)
    (tmp_path/'shim'/'ray'/'__init__.py').write_text("raise ImportError('no ray here')")
    env = {**ENV, 'PYTHONPATH': str(tmp_path/'shim')}
    r = subprocess.run(QUICK + ['--out', str(tmp_path/'out'), '--executor', 'ray'], capture_output=True, text=True, env=env, timeout=300)
    one_line_error(r, 'Ray is not installed', '.[ray]')
    assert not (tmp_path/'out').exists()

def test_ray_address_unreachable(tmp_path):
    pytest.importorskip('ray', reason='the [ray] extra is not installed')
    r = subprocess.run(QUICK + ['--out', str(tmp_path/'out'), '--executor', 'ray', '--address', '127.0.0.1:9'],
                       capture_output=True, text=True, env=ENV, timeout=300)
    one_line_error(r, 'address 127.0.0.1:9', 'ray start --head')
    assert not (tmp_path/'out').exists()
