// Password input: a file, or a no-echo terminal prompt.
#include "stoa/cli/password.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace stoa::cli {
namespace {

void strip_line_end(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
}

std::string read_line_no_echo() {
  termios old{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (tty) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  if (!ok) throw std::runtime_error("no password entered");
  strip_line_end(line);
  return line;
}

}  // namespace

std::string read_password_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read password file " + file.string());
  std::string line;
  std::getline(in, line);
  strip_line_end(line);
  if (line.empty()) throw std::runtime_error("password file " + file.string() + " is empty");
  return line;
}

std::string prompt_password(const std::string& prompt, bool confirm) {
  if (!::isatty(STDIN_FILENO))
    throw std::runtime_error("no terminal to ask for the password: use --password-file FILE");
  std::fprintf(stderr, "%s: ", prompt.c_str());
  std::fflush(stderr);
  std::string first = read_line_no_echo();
  if (first.empty()) throw std::runtime_error("refusing an empty password");
  if (confirm) {
    std::fprintf(stderr, "Repeat the password: ");
    std::fflush(stderr);
    if (read_line_no_echo() != first) throw std::runtime_error("the passwords do not match");
  }
  return first;
}

std::string obtain_password(const std::optional<std::string>& password_file,
                            const std::string& prompt, bool confirm) {
  if (password_file) return read_password_file(*password_file);
  return prompt_password(prompt, confirm);
}

}  // namespace stoa::cli
