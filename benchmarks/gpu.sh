#!/usr/bin/env bash
# The GPU checks in one go, most needed first, for a session with a CUDA machine (about 15 minutes of device time):
#  1. `nbdev_test --flags "slow cuda"` (every notebook, the GPU cells included) and, beside it, 02_train and 03_seeds
#     run the same way without their slow cells, to show what their CUDA cells print;
#  2. N seeds trained together (`fit_seeds`) against N separate fits, side by side;
#  3. the seed's four-configuration table with 10 seeds each, the seeds of a configuration trained together;
#  4. with the time left, the full grid (both switches, 10 seeds, together), then the textbook-loop benchmark again.
#   MNISTBN_DATA=... bash benchmarks/gpu.sh OUT [SECONDS]
# mnistbn, nbdev and their requirements must be importable. Results land in OUT (seven files): bench.md (append to
# benchmarks/RESULTS.md), bench.log, nbdev_test.log, 02_train.log, 03_seeds.log, grid.log, grid.tar.gz (the grid's folder).
# For a dry run of the plumbing on a CPU: DEVICE=cpu BEST=fused TOGETHER=fused STEPS=3 FLAGS= bash benchmarks/gpu.sh OUT 60
set -u
out=$(realpath "${1:?give an output folder}"); budget=${2:-420}; start=$SECONDS; mkdir -p "$out"
dev=${DEVICE:-cuda}; best=${BEST:-channels_last,fused,graphs}; together=${TOGETHER:-fused,graphs}
steps=${STEPS:-200}; flags=${FLAGS-slow cuda}
left() { echo $(( budget - (SECONDS - start) )); }
step() { echo "== $1 ($(left) s left)"; }
# run a step's command for at most $1 seconds and never past the budget; skip it if under 10 s are left
within() { local t=$(( $(left) < $1 ? $(left) : $1 )); shift
  if [ $t -lt 10 ]; then echo "skipped: out of time: $*"; return 124; fi
  timeout $t "$@"; }
if [ "$dev" = cuda ]; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv
  python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name())"
fi

step "1. nbdev_test --flags '$flags' (all notebooks); beside it 02_train and 03_seeds without slow cells, printing their CUDA cells"
# one torch thread per notebook process, as in CI: 8 nbdev_test workers of 16 threads each on 16 cores ran out
# of their 150 s in this workplace (2026-11-27)
export OMP_NUM_THREADS=1
within 260 nbdev_test --flags "$flags" --timing --n_workers 7 > "$out/nbdev_test.log" 2>&1 &
for nb in 02_train 03_seeds; do
  within 260 python3 benchmarks/run_cells.py nbs/$nb.ipynb cuda slow > "$out/$nb.log" 2>&1
  echo "$nb exit $?"; sed 's/\x1b\[[0-9;]*m//g' "$out/$nb.log" | tail -25
done
wait; unset OMP_NUM_THREADS; echo "nbdev_test done"; sed 's/\x1b\[[0-9;]*m//g' "$out/nbdev_test.log" | tail -25

step "2. fit_seeds against separate fits ($best)"
within 90 python3 benchmarks/bench.py --device $dev --steps $steps --repeats 3 --no_steps --fast $best \
  --seeds 8 --seeds 16 --out "$out/bench.md" >> "$out/bench.log" 2>&1
echo "exit $?"; tail -6 "$out/bench.log"

step "3. the seed's table, 10 seeds per configuration trained together ($together)"
within 150 python3 benchmarks/bench.py --device $dev --no_steps --table $together --table_seeds 10 --together \
  --out "$out/bench.md" >> "$out/bench.log" 2>&1
echo "exit $?"; tail -16 "$out/bench.log"

t=$(( $(left) - 100 ))
if [ $t -gt 30 ]; then
  step "4a. full grid, seeds 0-9, both switches, together ($together; $t s at most; finished runs are kept)"
  timeout $t python3 -c "from mnistbn.compare import compare; print(compare('runs/gpu', seeds=range(10), device='$dev', progress=False, fast='$together', together=True))" > "$out/grid.log" 2>&1
  echo "grid exit $?"; tail -25 "$out/grid.log"
  ls runs/gpu/runs 2>/dev/null | wc -l
  tar czf "$out/grid.tar.gz" --exclude='*.pt' runs/gpu 2>/dev/null
fi

if [ $(left) -gt 70 ]; then
  step "4b. the textbook loop against fit (conv model), the same card and session"
  within 90 python3 benchmarks/bench.py --device $dev --steps $steps --repeats 3 --fast '' --fast $best \
    --out "$out/bench.md" >> "$out/bench.log" 2>&1
  echo "exit $?"; tail -12 "$out/bench.log"
fi
step done
