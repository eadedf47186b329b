// Command-line parsing for the node-facing subcommands: `--name value`, `--name=value`, boolean
// flags, positionals, and `--` to end options (so a value such as "-5" or "--x" can be passed).
// Unknown options, missing values and repeated options are usage errors.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stoa/common/address.h"
#include "stoa/common/u256.h"

namespace stoa::cli {

// A mistake in how a command was invoked; the app prints it with the command's usage, exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OptionSpec {
  std::set<std::string> with_value;  // e.g. "--rpc" (names include the dashes)
  std::set<std::string> flags;       // e.g. "--json"
};

class ParsedArgs {
 public:
  std::vector<std::string> positional;

  bool flag(std::string_view name) const;
  std::optional<std::string> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string fallback) const;
  // Throws UsageError naming the option if absent.
  std::string require(std::string_view name) const;
  // Typed forms; throw UsageError with the option's name on a malformed value.
  std::optional<uint64_t> get_u64(std::string_view name) const;
  std::optional<Address> get_address(std::string_view name) const;

  std::map<std::string, std::string, std::less<>> values;
  std::set<std::string, std::less<>> flags;
};

ParsedArgs parse_args(const std::vector<std::string>& args, const OptionSpec& spec);

// Value parsers shared by the commands; `what` names the argument in the error.
Address parse_address_arg(std::string_view text, std::string_view what);
uint64_t parse_u64_arg(std::string_view text, std::string_view what);
U256 parse_amount_arg(std::string_view text, std::string_view what);
// "US" -> the two ASCII upper-case letters (ISO 3166-1 alpha-2 or the user-assigned X? codes).
std::string parse_jurisdiction_arg(std::string_view text, std::string_view what);
// Seconds since the epoch, or a date YYYY-MM-DD (midnight UTC).
uint64_t parse_timestamp_arg(std::string_view text, std::string_view what);

}  // namespace stoa::cli
