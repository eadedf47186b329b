// Structured logs: one JSON object per line on stderr ({"ts", "level", "event", ...fields}).
// Never pass secrets or private keys here (the --dev account listing goes to stdout, on purpose).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace stoa::node {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void set_log_level(LogLevel level);
LogLevel log_level();
// Parses "debug", "info", "warn", "error".
bool parse_log_level(std::string_view text, LogLevel* out);

void log_event(LogLevel level, std::string_view event,
               nlohmann::json fields = nlohmann::json::object());

}  // namespace stoa::node
