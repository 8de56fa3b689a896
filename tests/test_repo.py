"Repository hygiene: notebooks are clean, the library is what the notebooks export, CI runs README's command."
import shutil, subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _copy(tmp_path):
    for p in ['nbs', 'mnistbn']: shutil.copytree(ROOT/p, tmp_path/p, ignore=shutil.ignore_patterns('__pycache__', '.ipynb_checkpoints', '_proc'))
    for p in ['settings.ini', 'setup.py', 'README.md']: shutil.copy(ROOT/p, tmp_path/p)
    return tmp_path

def _snapshot(root):
    return {p.relative_to(root): p.read_bytes() for d in ['nbs', 'mnistbn'] for p in sorted((root/d).rglob('*'))
            if p.is_file() and '__pycache__' not in p.parts}

def test_notebooks_clean_and_library_in_sync(tmp_path):
    work = _copy(tmp_path)
    before = _snapshot(work)
    for cmd in ['nbdev_clean', 'nbdev_export']: subprocess.run([cmd], cwd=work, check=True, capture_output=True)
    changed = sorted(str(k) for k, v in _snapshot(work).items() if before.get(k) != v)
    assert not changed, f"run nbdev_clean and nbdev_export, then commit: {changed}"

def test_ci_runs_readme_test_command():
    readme, ci = (ROOT/'README.md').read_text(), (ROOT/'.ci'/'run').read_text()
    cmds = [l for l in readme.splitlines() if l.startswith('    ') and 'nbdev_test' in l]
    assert cmds, "README.md must give the test command as an indented line holding 'nbdev_test'"
    assert "grep -m1 '^    .*nbdev_test' README.md" in ci, ".ci/run must run README.md's test command"
    assert 'pytest' in cmds[0], "README's test command runs the notebooks and tests/"


def test_no_nbdev_command_overwrites_readme(tmp_path):
    "nbdev_prepare's and nbdev_docs' README step (nbdev_readme with chk_time) leaves the hand-written README.md alone."
    work = _copy(tmp_path)
    nb = next(l.split('=', 1)[1].strip() for l in (work/'settings.ini').read_text().splitlines() if l.startswith('readme_nb'))
    assert not (work/'nbs'/nb).exists(), f"settings.ini's readme_nb ({nb}) must name no notebook"
    before = (work/'README.md').read_bytes()
    r = subprocess.run(['python', '-c', 'from nbdev.quarto import nbdev_readme; nbdev_readme.__wrapped__(chk_time=True)'],
                       cwd=work, check=True, capture_output=True, text=True)
    assert 'Could not find' in r.stdout and (work/'README.md').read_bytes() == before
