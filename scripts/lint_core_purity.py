#!/usr/bin/env python3
"""The deterministic core stays pure (ctest lint.core_purity; docs/ARCHITECTURE.md).

src/core and include/stoa/core are replayed from the journal on every restart and by
`stoa verify`, on any machine: the same blocks must give the same state, byte for byte. So the core
does no I/O, reads no clock, draws no randomness, reads no environment, and starts no thread (the
node and store layers around it do those things, and hand the core block time and inputs as
values). This lint refuses, in those two directories:

  headers   <thread> <mutex> <shared_mutex> <condition_variable> <future> <atomic> <stop_token>
            <semaphore> <latch> <barrier> (threads), <chrono> <ctime> (clocks), <random>
            (randomness), <iostream> <fstream> <filesystem> (I/O), <csignal>, POSIX headers
            <unistd.h> <fcntl.h> <sys/...> <pthread.h> <time.h>
  calls     std::chrono, time(), clock(), clock_gettime, gettimeofday, rand(), srand(),
            random_device, getenv, std::this_thread, std::thread, std::cout/cerr/clog, printf,
            fprintf, puts, fopen, fwrite, fread, fflush, perror, scanf (I/O); system(), exit()
            (process control; an invariant failure is STOA_ASSERT, which aborts)
<cstdio> itself is allowed: the core formats with std::snprintf into a buffer, which is not I/O.

    scripts/lint_core_purity.py [--self-test]
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRS = ("src/core", "include/stoa/core")

BANNED_HEADERS = {
    "thread": "threads", "mutex": "threads", "shared_mutex": "threads",
    "condition_variable": "threads", "future": "threads", "atomic": "threads",
    "stop_token": "threads", "semaphore": "threads", "latch": "threads", "barrier": "threads",
    "pthread.h": "threads", "chrono": "clocks", "ctime": "clocks", "time.h": "clocks",
    "random": "randomness", "iostream": "I/O", "fstream": "I/O", "filesystem": "I/O",
    "csignal": "process control", "unistd.h": "I/O", "fcntl.h": "I/O",
}
NOT_A_MEMBER = r"(?<![\w.>])"  # a free function, not obj.time() or ptr->rand()
BANNED_CALLS = [
    (r"\bstd::chrono\b", "clocks"),
    (NOT_A_MEMBER + r"(?:std::|::)?(?:time|clock|clock_gettime|gettimeofday)\s*\(", "clocks"),
    (NOT_A_MEMBER + r"(?:std::|::)?(?:rand|srand|random)\s*\(", "randomness"),
    (r"\brandom_device\b", "randomness"),
    (NOT_A_MEMBER + r"(?:std::|::)?(?:secure_)?getenv\s*\(", "environment"),
    (r"\bstd::(?:this_thread|thread|jthread)\b", "threads"),
    (r"\bstd::(?:cout|cerr|clog|cin)\b", "I/O"),
    (NOT_A_MEMBER + r"(?:std::|::)?(?:printf|fprintf|puts|fputs|fopen|fwrite|fread|fflush|perror|"
     r"fgets|scanf)\s*\(", "I/O"),
    (NOT_A_MEMBER + r"(?:std::|::)?(?:system|exit)\s*\(", "process control"),
]


def strip_comments_and_strings(text):
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)


def violations(text):
    found = []
    for lineno, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*#\s*include\s*<([^>]+)>", line)
        if m:
            name = m.group(1)
            reason = BANNED_HEADERS.get(name) or ("I/O" if name.startswith("sys/") else None)
            if reason:
                found.append((lineno, f"#include <{name}> ({reason})"))
    for lineno, line in enumerate(strip_comments_and_strings(text).splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        for pattern, reason in BANNED_CALLS:
            m = re.search(pattern, line)
            if m:
                found.append((lineno, f"{m.group(0).strip()} ({reason})"))
    return found


SELF_TEST = """#include <vector>
#include <chrono>
#include <sys/stat.h>
// std::chrono in a comment is fine, and so is time() here
uint64_t t = ctx.block.time(1) + block->rand();
auto now = std::chrono::steady_clock::now();
const char* s = "getenv(";
int r = rand();
std::snprintf(buf, sizeof buf, "%d", 1);
std::printf("x");
"""


def self_test():
    got = [line for line, _ in violations(SELF_TEST)]
    return got == [2, 3, 6, 8, 10] or print(f"self-test: flagged lines {got}")


def main():
    if not self_test():
        return 1
    if "--self-test" in sys.argv:
        print("self-test: ok")
        return 0
    errors = 0
    files = 0
    for d in DIRS:
        for dirpath, _, names in os.walk(os.path.join(ROOT, d)):
            for name in sorted(names):
                if not name.endswith((".h", ".cc")):
                    continue
                files += 1
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as fh:
                    for lineno, what in violations(fh.read()):
                        errors += 1
                        print(f"{os.path.relpath(path, ROOT)}:{lineno}: the deterministic core "
                              f"may not use {what}")
    print(f"{files} core files scanned, {errors} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
