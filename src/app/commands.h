// The `stoa` subcommands. Each lives in its own src/app/cmd_<name>.cc; main only dispatches.
// Every command returns the process exit status; errors are printed to stderr in one clear line.
#pragma once

#include <string>
#include <vector>

namespace stoa::app {

using Args = std::vector<std::string>;  // arguments after the subcommand name

int cmd_demo(const Args& args);      // run the demo scenario, print cap table and refusals
int cmd_scenario(const Args& args);  // run scenario files (tests/scenarios/*.scn)
int cmd_simulate(const Args& args);  // seeded random call streams with invariants
int cmd_abi(const Args& args);       // write or check docs/abi/*.json

}  // namespace stoa::app
