#!/usr/bin/env bash
# The GPU checks in one go, for a session with a CUDA machine: the benchmark against the textbook loop (conv and
# BN models) with the seed's four-configuration table, then 02_train with every cell (its CUDA cells' printouts
# shown) beside `nbdev_test --flags "slow cuda"` on the other notebooks, then as many seeds of the full grid as
# the time left allows.
#   MNISTBN_DATA=... bash benchmarks/gpu.sh OUT [SECONDS]
# mnistbn, nbdev and their requirements must be importable. Results land in OUT: bench.md (append to
# benchmarks/RESULTS.md), *.log, grid.tar.gz (the grid's folder: table, figure, histories).
set -u
out=$(realpath "${1:?give an output folder}"); budget=${2:-420}; start=$SECONDS; mkdir -p "$out"
left() { echo $(( budget - (SECONDS - start) )); }
step() { echo "== $1 ($(left) s left)"; }
best=channels_last,fused,graphs
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name())"

step "benchmark, conv model"
timeout 120 python3 benchmarks/bench.py --device cuda --steps 200 --repeats 3 --fast '' --fast channels_last,fused \
  --fast $best --seeds 8 --table $best --out "$out/bench.md" > "$out/bench_conv.log" 2>&1
tail -30 "$out/bench_conv.log"

step "benchmark, bn model"
timeout 45 python3 benchmarks/bench.py --device cuda --model bn --steps 200 --repeats 3 --no_epoch --fast '' \
  --fast $best --out "$out/bench.md" > "$out/bench_bn.log" 2>&1
tail -12 "$out/bench_bn.log"

step "nbdev_test --flags 'slow cuda' (all notebooks) and, beside it, 02_train without its slow cells to show the CUDA cells' printouts"
# one torch thread per notebook process, as in CI: 8 nbdev_test workers of 16 threads each on 16 cores ran out
# of their 150 s in this workplace (2026-11-27)
OMP_NUM_THREADS=1 timeout 150 nbdev_test --flags "slow cuda" > "$out/nbdev_slow_cuda.log" 2>&1 &
OMP_NUM_THREADS=1 timeout 150 python3 benchmarks/run_cells.py nbs/02_train.ipynb cuda slow > "$out/train_all.log" 2>&1
echo "02_train exit $?"; sed 's/\x1b\[[0-9;]*m//g' "$out/train_all.log" | tail -30
wait; echo "nbdev_test done"; tail -20 "$out/nbdev_slow_cuda.log"

t=$(( $(left) - 15 ))
if [ $t -gt 30 ]; then
  step "full grid, seeds 0-9, both switches, fast $best ($t s at most; finished runs are kept)"
  timeout $t python3 -c "from mnistbn.compare import compare; print(compare('runs/gpu', seeds=range(10), device='cuda', progress=False, fast='$best'))" > "$out/grid.log" 2>&1
  echo "grid exit $?"; tail -25 "$out/grid.log"
  ls runs/gpu/runs | wc -l
  tar czf "$out/grid.tar.gz" --exclude='*.pt' runs/gpu
fi
step done
