# A smoke run of bench/journal_bench (small sizes): it checks its own results (replayed head and
# digest, restored state image digest) and exits non-zero on a wrong answer; no speed is asserted.
add_test(NAME journal.bench_smoke COMMAND journal_bench)
set_tests_properties(journal.bench_smoke PROPERTIES
  ENVIRONMENT "STOA_BENCH_HOLDERS=1000;STOA_BENCH_REPLAY_BLOCKS=5;STOA_BENCH_DIR=${CMAKE_BINARY_DIR}/journal-bench-smoke"
  LABELS "slow;bench" TIMEOUT 300)

# A smoke run of bench/pipeline_bench (durable batched transfers through the sequencer, small
# sizes): it checks every receipt and every touched balance against its model; no speed asserted.
add_test(NAME journal.pipeline_bench_smoke COMMAND pipeline_bench)
set_tests_properties(journal.pipeline_bench_smoke PROPERTIES
  ENVIRONMENT "STOA_BENCH_HOLDERS=2000;STOA_BENCH_TRANSFERS=20000;STOA_BENCH_RUNS=1;STOA_BENCH_DIR=${CMAKE_BINARY_DIR}/pipeline-bench-smoke"
  LABELS "slow;bench" TIMEOUT 300)

# The same for bench/restart_bench: a small data directory (20,000 signed transfers among 500
# holders, blocks of 1,000; a state image every 5,000 transactions, where the bench checks the
# store put them), both restarts (the first twice) and the verify path; each must reach the
# writer's head.
add_test(NAME journal.restart_bench_smoke COMMAND restart_bench)
set_tests_properties(journal.restart_bench_smoke PROPERTIES
  ENVIRONMENT "STOA_RESTART_TXS=20000;STOA_RESTART_HOLDERS=500;STOA_RESTART_BLOCK_TXS=1000;STOA_RESTART_IMAGE_EVERY_TX=5000;STOA_RESTART_RUNS=2;STOA_RESTART_VERIFY=1;STOA_BENCH_DIR=${CMAKE_BINARY_DIR}/restart-bench-smoke"
  LABELS "slow;bench" TIMEOUT 300)
