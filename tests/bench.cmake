# A tiny smoke run of each benchmark binary: 1,000 holders, a few milliseconds per benchmark.
# The benchmarks check their own results (supply, holder count, balances against a shadow
# model, exact refused counts and codes) and exit non-zero on a wrong answer; nothing here
# asserts anything about speed.
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/core_transfer_bench.cc)
  add_test(NAME bench.core_transfer_smoke
           COMMAND core_transfer_bench --benchmark_min_time=0.01 --benchmark_repetitions=2)
  set_tests_properties(bench.core_transfer_smoke PROPERTIES
    ENVIRONMENT "STOA_BENCH_HOLDERS=1000"
    LABELS "slow;bench"
    TIMEOUT 300)
endif()
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/crypto_bench.cc)
  add_test(NAME bench.crypto_smoke
           COMMAND crypto_bench --benchmark_min_time=0.01)
  set_tests_properties(bench.crypto_smoke PROPERTIES LABELS "slow;bench" TIMEOUT 120)
endif()
# A conversion (merger) of one security into another over 3,000 holders (three metered steps;
# bench/conversion_bench.cc checks A retired with no holder and B's supply and balances).
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/conversion_bench.cc)
  add_test(NAME bench.conversion_smoke COMMAND conversion_bench)
  set_tests_properties(bench.conversion_smoke PROPERTIES
    ENVIRONMENT "STOA_BENCH_CONVERSION_HOLDERS=3000"
    LABELS "slow;bench"
    TIMEOUT 120)
endif()
# A dividend round (bench/dividend_bench.cc): 3,000 holders pushed in batches of 700, two rounds,
# then a 3-for-2 split and its cash-in-lieu round (create, push-pay, reclaim);
# the bench dies on an unpaid holder, an unbalanced round or an escrow left non-empty.
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/dividend_bench.cc)
  add_test(NAME bench.dividend_smoke COMMAND dividend_bench)
  set_tests_properties(bench.dividend_smoke PROPERTIES
    ENVIRONMENT "STOA_DIVIDEND_HOLDERS=3000;STOA_DIVIDEND_BATCH=700;STOA_DIVIDEND_REPETITIONS=2"
    LABELS "fast;bench"
    TIMEOUT 120)
  # The same with a share class: a whole-security round and a round by partition (rules V7).
  add_test(NAME bench.dividend_partition_smoke COMMAND dividend_bench)
  set_tests_properties(bench.dividend_partition_smoke PROPERTIES
    ENVIRONMENT
      "STOA_DIVIDEND_HOLDERS=3000;STOA_DIVIDEND_BATCH=700;STOA_DIVIDEND_REPETITIONS=1;STOA_DIVIDEND_PARTITION=1"
    LABELS "fast;bench"
    TIMEOUT 120)
endif()
# The balance model's costs (bench/balance_model_bench.cc) on a small ledger: transfer cost per
# feature (2,000 holders) and balanceOfAt over 2,000 holders x 50 snapshots; the bench dies on a
# refused transfer, a balance or supply off its shadow, or a checkpoint value off its record.
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/balance_model_bench.cc)
  add_test(NAME bench.balance_model_smoke
           COMMAND balance_model_bench --benchmark_min_time=0.01 --benchmark_repetitions=2)
  set_tests_properties(bench.balance_model_smoke PROPERTIES
    ENVIRONMENT "STOA_BENCH_HOLDERS=2000;STOA_BENCH_AT_HOLDERS=2000;STOA_BENCH_CHECKPOINTS=50;STOA_BENCH_AT_MOVES=100"
    LABELS "fast;bench"
    TIMEOUT 120)
endif()

# A 3-for-2 split and a reverse 1-for-10 over 3,000 holders (bench/split_bench.cc checks every
# balance, Σ balances = supply and the holder count after the split).
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/split_bench.cc)
  add_test(NAME bench.split_smoke COMMAND split_bench)
  set_tests_properties(bench.split_smoke PROPERTIES
    ENVIRONMENT "STOA_BENCH_SPLIT_HOLDERS=3000"
    LABELS "slow;bench"
    TIMEOUT 120)
endif()
