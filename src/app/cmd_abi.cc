// stoa abi --out DIR | --check DIR: writes the ABI JSON documents, or checks that the files in
// DIR are exactly what the dispatcher's tables produce.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "commands.h"
#include "stoa/doc/abi_json.h"

namespace stoa::app {

int cmd_abi(const Args& args) {
  if (args.size() != 2 || (args[0] != "--out" && args[0] != "--check")) {
    std::fprintf(stderr, "usage: stoa abi --out DIR | --check DIR\n");
    return 2;
  }
  const std::filesystem::path dir = args[1];
  const bool check = args[0] == "--check";
  int problems = 0;
  for (const auto& [name, doc] : doc::all_abi_documents()) {
    const std::filesystem::path file = dir / (name + ".json");
    const std::string text = doc::abi_file_text(doc);
    if (check) {
      std::ifstream in(file);
      std::stringstream ss;
      ss << in.rdbuf();
      if (!in || ss.str() != text) {
        std::fprintf(stderr, "stoa abi: %s is missing or out of date (run: stoa abi --out %s)\n",
                     file.c_str(), dir.c_str());
        ++problems;
      }
      continue;
    }
    std::filesystem::create_directories(dir);
    std::ofstream out(file, std::ios::trunc);
    out << text;
    if (!out) {
      std::fprintf(stderr, "stoa abi: cannot write %s\n", file.c_str());
      return 1;
    }
    std::printf("wrote %s\n", file.c_str());
  }
  if (check && problems == 0)
    std::printf("stoa abi: %s matches the dispatch tables\n", dir.c_str());
  return problems == 0 ? 0 : 1;
}

}  // namespace stoa::app
