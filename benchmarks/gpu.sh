#!/usr/bin/env bash
# The GPU checks of one session in one go (about 15 minutes of device time, a few minutes of which start the machine):
#  0. install the carried wheels (.whl) and the package, unpack the carried MNIST files (.data/*.gz);
#  1. `nbdev_test --flags "slow cuda"`: every notebook, its slow and GPU cells included; beside it, the GPU cells of
#     02_fast, 03_train, 04_seeds and 05_run run again by tools/execute.py, which saves their outputs into copies in OUT;
#  2. the benchmark of stacks: first runs as branches of one CUDA graph, each on its own stream
#     (benchmarks/branches.py: the table's 4 runs, 8, and the grid's 80), against runs alone and stacks; then the
#     kernels of a stack of 8's eager update (benchmarks/stack_profile.py, with cuDNN's benchmark mode, as the default
#     trains; then with the convolutions as batched products, `--conv_views`, and with Adam's kernel once for all
#     copies, `--one_group`), stacks of 2, 8 and 40 against as many runs alone, the original's table as two stacks,
#     then the 80-run grid of 10 seeds as two stacks of 40 (about 255 s on an H200, 2026-12-04 estimate);
#  3. README's first command, `mnistbn_compare --quick`, as a user runs it;
#  4. (STEPS="4", or with the others) the remedies grid of 08_remedies on the GPU, each arm's rates and seeds as one
#     stack: every arm, rate and seed 0-19, then 20-39 in the cells where some but not all failed, into a folder of its
#     own (a GPU run of a seed draws other batches and dropout than a CPU run of it, so the two grids are not mixed);
#     its tables and Histories come back as remedies-gpu.tgz.
#   bash benchmarks/gpu.sh OUT [SECONDS]       (run from the repository root; carry .whl and .data)
# STEPS="1 2 3" (the default) picks the steps; REMEDIES_ARGS adds flags to step 4's mnistbn_sweep (a CPU dry run:
# DEVICE=cpu STEPS=4 REMEDIES_ARGS="--quick --arms baseline,bn --seeds 0-1" bash benchmarks/gpu.sh OUT 120).
# NBS=nbs/02_fast.ipynb limits step 1's nbdev_test to one notebook, CELLS="05_run.ipynb" its saved GPU cells to those
# notebooks (STEPS="1 2" NBS=nbs/05_run.ipynb CELLS=05_run.ipynb: 05_run's GPU cell, then the benchmark).
# OUT gets up to thirteen files (nbdev_test.log, cells.log, the four notebooks, branches.log, profile.log, bench.md,
# bench.log, quick.log, remedies.log, remedies-gpu.tgz) and the device returns 8 at most, so the device call packs them into one:
#   run: mkdir -p /tmp/g; FLAGS=cuda bash benchmarks/gpu.sh /tmp/g 480 2>&1 | tee /tmp/g/gpu.log;
#        tar czf $OUT/gpu.tgz -C /tmp/g .
#   (steps 1 and 2 take up to 280 s and 735 s, so a 15-minute lease holds one of them with the machine's start:
#   STEPS=2 for the speed of stacks, STEPS="1 3" for the cells and README's command;
#   with FLAGS=cuda: the fast and GPU cells; carry .whl and .data; stop background runs writing into results/ first,
#   since the checkout travels with them and 08_remedies' counts would move, as on 2026-12-04)
# A dry run of the plumbing on a CPU: DEVICE=cpu FLAGS= bash benchmarks/gpu.sh OUT 120
set -u
out=$(realpath "${1:?give an output folder}"); budget=${2:-480}; start=$SECONDS; mkdir -p "$out"
dev=${DEVICE:-cuda}; flags=${FLAGS-slow cuda}; steps=" ${STEPS:-1 2 3} "
left() { echo $(( budget - (SECONDS - start) )); }
step() { echo "== $1 ($(left) s left)"; }
within() { local t=$(( $(left) < $1 ? $(left) : $1 )); shift
  if [ $t -lt 10 ]; then echo "skipped: out of time: $*"; return 124; fi
  timeout $t "$@"; }
if [ "$dev" = cuda ]; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name())"
fi

step "0. install and data"
if [ -d .whl ]; then
  python3 -m pip install -q --no-index --find-links .whl "nbdev==2.4.14" "fastcore<2" "execnb<0.2" "ghapi<2" fastprogress 2>&1 | tail -2
fi
# mnistbn from the checkout (an editable install failed on that image, 2026-11-28), its commands as small scripts
export PYTHONPATH=$(pwd)
mkdir -p /tmp/bin; export PATH=/tmp/bin:$PATH
for c in mnistbn_compare mnistbn_train mnistbn_sweep; do
  printf '#!/usr/bin/env python3\nimport sys\nfrom mnistbn.cli import %s\nif __name__ == "__main__": sys.exit(%s())\n' $c $c \
    > /tmp/bin/$c; chmod +x /tmp/bin/$c   # the guard: worker processes import this script again
done
if [ -d .data ]; then
  export MNISTBN_DATA=/tmp/mnistbn-data; mkdir -p $MNISTBN_DATA/MNIST/raw
  for f in .data/*.gz; do gunzip -c "$f" > "$MNISTBN_DATA/MNIST/raw/$(basename "$f" .gz)"; done
fi
export MPLBACKEND=Agg PYTHONUNBUFFERED=1

if [[ $steps == *" 1 "* ]]; then
step "1. nbdev_test --flags '$flags'; beside it the GPU cells of 02_fast, 03_train, 04_seeds, 05_run, outputs saved"
# the cells run in a copy of the checkout (their notebooks read ../results and ../benchmarks), nbdev_test in this one
rm -rf /tmp/cells && mkdir -p /tmp/cells && cp -r nbs results benchmarks /tmp/cells/
# one torch thread per notebook process: 8 workers of 16 threads each on 16 cores ran out of time here (2026-11-27)
OMP_NUM_THREADS=1 within 280 nbdev_test --flags "$flags" --timing --n_workers 6 ${NBS:+--path "$NBS"} > "$out/nbdev_test.log" 2>&1 &
repo=$(pwd)
nbs=${CELLS:-02_fast.ipynb 03_train.ipynb 04_seeds.ipynb 05_run.ipynb}
until=$(( SECONDS + 280 ))
for f in $nbs; do   # one process a notebook, so that one failing leaves the others' outputs; 280 s for all four
  (cd /tmp/cells/nbs && OMP_NUM_THREADS=1 within $(( until - SECONDS )) python3 "$repo/tools/execute.py" $f \
     --flags cuda --only_flagged --no_clean)
  echo "$f: exit $?"
done > "$out/cells.log" 2>&1
grep -E "exit|Error|assert" "$out/cells.log" | tail -20; for f in $nbs; do cp /tmp/cells/nbs/$f "$out/"; done
wait; echo "nbdev_test done"; tail -25 "$out/nbdev_test.log"
fi

if [[ $steps == *" 2 "* ]]; then
step "2. benchmark: runs as branches of one graph; stacks against runs alone, then the table and the 80-run grid as stacks"
# first the question the targets turn on: do runs captured side by side in one CUDA graph, each on its own stream,
# run at once (the table as 4 branches, a stack's 8, the grid's 80)? An experiment outside mnistbn.
within 60 python3 benchmarks/branches.py --device $dev --runs conv:2,bn:2 --runs conv:8 > "$out/branches.log" 2>&1
within 120 python3 benchmarks/branches.py --device $dev --runs conv:40,bn:40 --repeats 1 >> "$out/branches.log" 2>&1
cat "$out/branches.log"
# cuDNN ran a stack's grouped convolutions one kernel per copy on 2026-12-04 (RESULTS.md): whether it still does
within 30 python3 benchmarks/stack_profile.py --device $dev --copies 8 --fast default \
  > "$out/profile.log" 2>&1
# and the stack's convolutions as batched products over a strided view of the input: an experiment outside mnistbn
within 30 python3 benchmarks/stack_profile.py --device $dev --copies 8 --fast channels_last,fused --conv_views \
  >> "$out/profile.log" 2>&1
# and Adam's fused kernel once for all copies instead of once per copy (8 x 65 µs on 2026-12-04)
within 30 python3 benchmarks/stack_profile.py --device $dev --copies 8 --fast default \
  --one_group >> "$out/profile.log" 2>&1
cat "$out/profile.log"
within 60 python3 benchmarks/bench.py --device $dev --no_steps --steps 200 --repeats 3 --seeds 2 --seeds 8 --fast default \
  --out "$out/bench.md" > "$out/bench.log" 2>&1
within 60 python3 benchmarks/bench.py --device $dev --no_steps --steps 200 --repeats 1 --seeds 40 --fast default \
  --out "$out/bench.md" >> "$out/bench.log" 2>&1
# in one process: worker processes sharing the GPU were slower (2026-12-04)
within 45 python3 benchmarks/bench.py --device $dev --no_steps --table default --stack 64 --out "$out/bench.md" \
  >> "$out/bench.log" 2>&1
within 300 python3 benchmarks/bench.py --device $dev --no_steps --table default --table_seeds 10 \
  --lr_switches ignored,applied --stack 64 --out "$out/bench.md" >> "$out/bench.log" 2>&1
echo "exit $?"; tail -25 "$out/bench.log"
fi

if [[ $steps == *" 3 "* ]]; then
step "3. README's first command"
( time within 120 mnistbn_compare --quick --out runs/quick ) > "$out/quick.log" 2>&1
echo "exit $?"; tail -25 "$out/quick.log"
fi

if [[ $steps == *" 4 "* ]]; then
step "4. the remedies grid on $dev, each arm's rates and seeds one stack"
arms=$(python3 -c "from mnistbn.remedies import ARMS; print(','.join(ARMS))")
( time within 420 mnistbn_sweep --arms $arms --seeds 0-19 --more_seeds 20-39 --device $dev --stack 160 --no_progress \
  --out /tmp/remedies-gpu ${REMEDIES_ARGS:-} ) > "$out/remedies.log" 2>&1
echo "exit $?"; tail -25 "$out/remedies.log"
tar czf "$out/remedies-gpu.tgz" -C /tmp/remedies-gpu --exclude '*.pt' .
fi
step done
