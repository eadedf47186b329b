// Passwords for key files: read from a file (first line, without its line ending) or typed at a
// prompt without echo when stdin is a terminal. Never from the command line, never printed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace stoa::cli {

// The first line of `file` (without "\n" or "\r\n"); throws std::runtime_error if unreadable or
// empty.
std::string read_password_file(const std::filesystem::path& file);

// Asks on stderr with echo off (termios) and reads a line from the terminal. With `confirm`, asks
// twice and refuses a mismatch. Throws std::runtime_error if stdin is not a terminal (use
// --password-file) or the password is empty.
std::string prompt_password(const std::string& prompt, bool confirm);

// --password-file when given, otherwise the prompt.
std::string obtain_password(const std::optional<std::string>& password_file,
                            const std::string& prompt, bool confirm);

}  // namespace stoa::cli
