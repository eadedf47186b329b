// The `stoa` subcommands. Each lives in its own src/app/cmd_<name>.cc; main only dispatches.
// Every command returns the process exit status; errors are printed to stderr in one clear line.
#pragma once

#include <string>
#include <vector>

namespace stoa::app {

using Args = std::vector<std::string>;  // arguments after the subcommand name

int cmd_demo(const Args& args);           // run the demo scenario, print cap table and refusals
int cmd_scenario(const Args& args);       // run scenario files (tests/scenarios/*.scn)
int cmd_simulate(const Args& args);       // seeded random call streams with invariants
int cmd_abi(const Args& args);            // write or check docs/abi/*.json
int cmd_serve(const Args& args);          // run the node: JSON-RPC, REST, /metrics (src/node)
int cmd_verify(const Args& args);         // check a data directory by full replay (src/store)
int cmd_export_blocks(const Args& args);  // the journal's blocks as JSON lines
// The transfer agent (src/ta, src/app/cmd_register.cc).
int cmd_register(const Args& args);  // register check | rebuild
int cmd_report(const Args& args);    // report cap-table
int cmd_investor(const Args& args);  // investor add | show | link | import-ocf
// investor import-ocf DIR [--mint SECURITY ...] (src/app/cmd_import_ocf.cc; args after "investor")
int cmd_investor_import_ocf(const Args& args);
// The transfer agent's access, documents, 17Ad-17 and statements (src/app/cmd_ta_access.cc).
int cmd_apikey(const Args& args);       // apikey create | list | revoke
int cmd_document(const Args& args);     // document add | list | grant | revoke | get ...
int cmd_lost_holder(const Args& args);  // lost-holder mark | list | due | search | resolve
int cmd_statement(const Args& args);    // statement STAKEHOLDER --year Y

// Talking to a running node (src/app/cmd_account.cc, cmd_call.cc, cmd_security.cc).
int cmd_account(const Args& args);       // keystore: new | import | list
int cmd_call(const Args& args);          // eth_call a function by signature, like cast
int cmd_send(const Args& args);          // sign and send a function call, like cast
int cmd_security(const Args& args);      // security create | list
int cmd_whitelist(const Args& args);     // whitelist add | remove SYMBOL ADDR...
int cmd_blacklist(const Args& args);     // blacklist add | remove SYMBOL ADDR...
int cmd_onboard(const Args& args);       // onboard SYMBOL --file investors.csv
int cmd_lockup(const Args& args);        // lockup set SYMBOL ADDR TIME
int cmd_jurisdiction(const Args& args);  // jurisdiction set SYMBOL ADDR CC
int cmd_mint(const Args& args);          // mint SYMBOL ADDR AMOUNT
int cmd_transfer(const Args& args);      // transfer SYMBOL TO AMOUNT
int cmd_check(const Args& args);         // check SYMBOL FROM TO AMOUNT (explainTransfer)
int cmd_cap_table(const Args& args);     // cap-table SYMBOL

}  // namespace stoa::app
