#!/usr/bin/env python3
"""Every JSON-RPC method the node serves is listed in docs/NODE.md's method table (ctest
lint.rpc_docs): the methods are the names registered in src/node/eth_api.cc (`{"eth_x", &EthApi::`
and `methods_.emplace("evm_x"`) and in src/node/node.cc (WebSocket-only `eth_subscribe`,
`eth_unsubscribe`); the table is the one under "## JSON-RPC" with a Status column.

    scripts/lint_rpc_docs.py              # check
    scripts/lint_rpc_docs.py --self-test  # the checker finds a method missing from a table
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def served(eth_api, node):
    names = set(re.findall(r'\{"([A-Za-z0-9_]+)",\s*&EthApi::', eth_api))
    names |= set(re.findall(r'methods_\.emplace\("([A-Za-z0-9_]+)"', eth_api))
    names |= set(re.findall(r'(?<!\.)\bmethod == "([a-z]+_[A-Za-z0-9_]+)"', node))
    return names


def documented(node_md):
    start = node_md.index("| Method | Status | Notes |")
    table = node_md[start:node_md.index("\n\n", start)]
    return set(re.findall(r"`([A-Za-z0-9_]+)(?:\([^`]*\))?`", table))


def missing(eth_api, node, node_md):
    return sorted(served(eth_api, node) - documented(node_md))


def main():
    if "--self-test" in sys.argv:
        api = '{"eth_a", &EthApi::a},\n{"eth_b", &EthApi::b},\nmethods_.emplace("evm_c", x);'
        md = "| Method | Status | Notes |\n|---|---|---|\n| `eth_a`, `evm_c(n)` | supported | |\n\n"
        assert missing(api, 'method == "eth_subscribe"', md) == ["eth_b", "eth_subscribe"]
        print("lint_rpc_docs self-test ok")
        return 0
    read = lambda p: open(os.path.join(ROOT, p), encoding="utf-8").read()
    eth_api, node, node_md = read("src/node/eth_api.cc"), read("src/node/node.cc"), read("docs/NODE.md")
    gone = missing(eth_api, node, node_md)
    for m in gone:
        print(f"error: docs/NODE.md: JSON-RPC method {m} is served but not in the method table")
    n = len(served(eth_api, node))
    print(f"{n} JSON-RPC methods served, {n - len(gone)} documented")
    return 1 if gone else 0


if __name__ == "__main__":
    sys.exit(main())
