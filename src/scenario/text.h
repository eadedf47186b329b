// Text helpers shared by the scenario parser and runner (internal to src/scenario).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stoa::scenario::internal {

std::string_view trim(std::string_view s);
bool is_identifier(std::string_view s);  // [A-Za-z_][A-Za-z0-9_]*

// Splits at `sep` outside "quoted strings" (with \" and \\ escapes) and outside (), [].
// Returns nullopt with `error` set when quotes or brackets do not balance. Pieces are trimmed.
std::optional<std::vector<std::string>> split_top(std::string_view s, char sep, std::string* error);

// Position of `needle` in `s` outside quoted strings and brackets, or npos.
size_t find_top(std::string_view s, std::string_view needle);

// Decodes a "quoted" string (the whole of `s`); nullopt if it is not exactly one quoted string.
std::optional<std::string> unquote(std::string_view s);

// Seconds in one `unit` (second(s), minute(s), hour(s), day(s), week(s)); nullopt if unknown.
std::optional<uint64_t> unit_seconds(std::string_view unit);

// " (did you mean 'x'?)" for the closest candidate within a small edit distance, else "".
std::string suggest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace stoa::scenario::internal
