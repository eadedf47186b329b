# The seeded simulator (docs/simulator.md): 40 seeds x 2,000 steps, each seed replayed in a fresh
# state, split into four CTest entries so they run in parallel. A failure prints its seed, step,
# call and violated invariant, and the command that reproduces it.
if(TARGET stoa)
  foreach(first 1 11 21 31)
    add_test(NAME sim.seeds_${first} COMMAND stoa simulate --seed ${first} --seeds 10 --steps 2000)
    set_tests_properties(sim.seeds_${first} PROPERTIES LABELS "slow;sim" TIMEOUT 300)
  endforeach()
  # Bad flags are refused with a clear message (and exit status 2).
  add_test(NAME sim.bad_flag COMMAND stoa simulate --seeds banana)
  set_tests_properties(sim.bad_flag PROPERTIES LABELS "fast;sim"
                       PASS_REGULAR_EXPRESSION "--seeds expects a non-negative integer")
endif()
# The balance model's invariants (lots sum to balances, checkpoint values equal a replay,
# partition supplies) on three short seeds, each replayed: seconds (docs/simulator.md).
if(TARGET stoa)
  add_test(NAME sim.balance_model_seeds COMMAND stoa simulate --seed 101 --seeds 3 --steps 1500)
  set_tests_properties(sim.balance_model_seeds PROPERTIES LABELS "fast;sim" TIMEOUT 120
                       PASS_REGULAR_EXPRESSION "simulate: 3 seed\\(s\\) from 101 passed")
endif()
