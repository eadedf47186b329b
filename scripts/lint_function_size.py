#!/usr/bin/env python3
"""Function-size ratchet (ctest lint.function_size; docs/ARCHITECTURE.md, "Function size").

A function body may be at most LIMIT lines (the lines between its braces, clang-format'ed code).
Functions already longer are listed in scripts/function_size_allowlist.txt with their length when
the rule came in: they may shrink, never grow, and no new function may cross the limit.

    scripts/lint_function_size.py            # check src/ and include/ (what ctest runs)
    scripts/lint_function_size.py --update   # rewrite the allow-list with today's lengths
    scripts/lint_function_size.py --self-test

Detection is brace matching, kept simple on purpose: comments and string/char literals are blanked,
then every `{` met at namespace or class scope whose header (the text since the previous `;`, `{`
or `}`) holds a parameter list and no `=` at the top level opens a function body; a brace group
inside a constructor's initializer list belongs to the header. Namespaces, classes, enums and
initializers are scopes, not bodies; lambdas and local classes count toward their enclosing
function.
"""
import argparse
import os
import re
import sys

LIMIT = 70  # lines between a function's braces
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLOWLIST = os.path.join(ROOT, "scripts", "function_size_allowlist.txt")
DIRS = ("src", "include")


def blank_comments_and_literals(text):
    """Comments and string/char literal contents become spaces; newlines are kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not text[i - 1].isalnum()):
            m = re.match(r'R"([^()\\ ]{0,16})\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # digit separator: 1'000
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        elif c == "#" and (i == 0 or text[i - 1] == "\n"):  # preprocessor line (and continuations)
            j = i
            while True:
                k = text.find("\n", j)
                if k < 0:
                    k = n
                    break
                if text[k - 1] != "\\":
                    break
                j = k + 1
            out.append(re.sub(r"[^\n]", " ", text[i:k]))
            i = k
        else:
            out.append(c)
            i += 1
    return "".join(out)


def strip_templates(header):
    """Removes `template <...>` prefixes (balanced angle brackets)."""
    while True:
        m = re.search(r"\btemplate\s*<", header)
        if not m:
            return header
        depth, j = 0, m.end() - 1
        while j < len(header):
            if header[j] == "<":
                depth += 1
            elif header[j] == ">":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        header = header[:m.start()] + " " + header[j + 1:]


def top_level(header):
    """The header with everything inside (), [] and <> of operator-free templates removed."""
    out, depth = [], 0
    for ch in header:
        if ch in "([":
            depth += 1
            if depth == 1:
                out.append(ch)
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                out.append(ch)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def classify(header):
    h = " ".join(strip_templates(header).split())
    if not h or re.match(r"^(extern\s*\"\"|namespace\b|inline namespace\b)", h) or re.search(r"\bnamespace\b", h):
        return "namespace"
    if re.search(r"\benum\b", h):
        return "other"
    flat = re.sub(r"\boperator\s*(\(\)|[^\s(]+)", "operator", top_level(h))
    if "(" not in flat:
        if re.search(r"\b(class|struct|union)\b", h):
            return "class"
        return "other"
    if "=" in flat.split("(")[0] or re.search(r"=\s*\[", h) or re.search(r"\)\s*=", flat):
        return "other"
    return "function"


def function_name(header):
    h = " ".join(strip_templates(header).split())
    flat = top_level(h)
    m = re.search(r"((?:[A-Za-z_~][\w]*\s*(?:<[^()]*?>)?\s*::\s*)*(?:operator\s*(?:\(\)|[^\s(]+)|~?[A-Za-z_]\w*))\s*\(", flat)
    return re.sub(r"\s+", "", m.group(1)) if m else h[:40]


def functions(text):
    """Yields (name, line of the opening brace, body lines) for each function definition."""
    code = blank_comments_and_literals(text)
    # A macro invocation alone on its line (STOA_DEFINE_FIELDS(Token)) ends a declaration as a
    # semicolon would: it is not part of the next function's header.
    code = re.sub(r"(?m)^([ \t]*[A-Z][A-Z0-9_]+\([^;{}\n]*\))[ \t]*$", r"\1;", code)
    line_of = []
    line = 1
    for ch in code:
        line_of.append(line)
        if ch == "\n":
            line += 1
    stack = []  # enclosing scopes: namespace, class, other (enum, initializer); bodies are skipped
    header_start = 0
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if c in ";":
            if not stack or stack[-1] in ("namespace", "class"):
                header_start = i + 1
        elif c == "{":
            if stack and stack[-1] == "other":
                stack.append("other")
            else:
                header = code[header_start:i]
                kind = classify(header)
                before = header.rstrip()
                if (kind == "function" and before and (before[-1].isalnum() or before[-1] in "_>")
                        and re.search(r"\)\s*(noexcept\s*)?:(?!:)", " ".join(header.split()))):
                    # A brace initializer inside a constructor's member-initializer list.
                    depth, j = 0, i
                    while j < n:
                        depth += {"{": 1, "}": -1}.get(code[j], 0)
                        if depth == 0:
                            break
                        j += 1
                    i = j + 1
                    continue
                if kind == "function":
                    start = i
                    depth, j = 0, i
                    while j < n:
                        depth += {"{": 1, "}": -1}.get(code[j], 0)
                        if depth == 0:
                            break
                        j += 1
                    end_line = line_of[min(j, n - 1)]
                    yield function_name(header), line_of[start], max(0, end_line - line_of[start] - 1)
                    i = j + 1
                    header_start = i
                    continue
                stack.append(kind)
            header_start = i + 1
        elif c == "}":
            if stack:
                stack.pop()
            header_start = i + 1
        i += 1


def scan(root):
    found = []
    for d in DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for f in sorted(files):
                if f.endswith((".h", ".cc")):
                    path = os.path.join(dirpath, f)
                    rel = os.path.relpath(path, root)
                    with open(path, encoding="utf-8") as fh:
                        for name, line, length in functions(fh.read()):
                            found.append((rel, name, line, length))
    return found


def read_allowlist():
    allowed = {}
    if os.path.exists(ALLOWLIST):
        with open(ALLOWLIST, encoding="utf-8") as fh:
            for raw in fh:
                raw = raw.split("#", 1)[0].strip()
                if raw:
                    path, name, length = raw.split()
                    allowed[(path, name)] = max(int(length), allowed.get((path, name), 0))
    return allowed


def write_allowlist(over):
    worst = {}
    for rel, name, _, length in over:
        worst[(rel, name)] = max(length, worst.get((rel, name), 0))
    with open(ALLOWLIST, "w", encoding="utf-8") as fh:
        fh.write(f"# Functions longer than {LIMIT} lines when the size rule came in, with their length in\n"
                 "# lines between the braces. They may shrink (lower the number), never grow. New code stays\n"
                 "# under the limit. Checked by scripts/lint_function_size.py (ctest lint.function_size).\n")
        for (rel, name), length in sorted(worst.items()):
            fh.write(f"{rel} {name} {length}\n")


def check(found, allowed):
    errors, notes = [], []
    for rel, name, line, length in found:
        if length <= LIMIT:
            continue
        cap = allowed.get((rel, name))
        if cap is None:
            errors.append(f"{rel}:{line}: {name} is {length} lines long (limit {LIMIT}); split it")
        elif length > cap:
            errors.append(f"{rel}:{line}: {name} grew to {length} lines (allow-listed at {cap}, "
                          f"limit {LIMIT}); split it rather than raise the number")
        elif length < cap:
            notes.append(f"{rel}:{line}: {name} shrank to {length} lines: lower its allow-list entry")
    return errors, notes


SELF_TEST = """
namespace a {
struct S {
  int x_{3};
  S(int v) : x_{v} { if (v) { x_ = 1; } }
  void member() {
BODY  }
};
enum class E { kA, kB };
const int kTable[] = {1, 2, 3};
void S::out_of_line(int k) noexcept {
  auto f = [](int) { return "}{"; };  // }
BODY}
template <class T> T pick(T v) {
BODY}
bool operator==(const S& l, const S& r) { return true; }
}  // namespace a
"""


def self_test():
    text = SELF_TEST.replace("BODY", "  x();\n" * (LIMIT + 1))
    got = {(name, length) for name, _, length in functions(text)}
    want = {("S", 0), ("member", LIMIT + 1), ("S::out_of_line", LIMIT + 2), ("pick", LIMIT + 1),
            ("operator==", 0)}
    if got != want:
        print(f"self-test: detected {sorted(got)}, expected {sorted(want)}")
        return False
    found = [("x.cc", n, 1, l) for n, l in got]
    errors, _ = check(found, {("x.cc", "member"): LIMIT + 1, ("x.cc", "pick"): LIMIT})
    if len(errors) != 2 or "S::out_of_line is" not in errors[0] + errors[1] or "grew" not in " ".join(errors):
        print(f"self-test: wrong verdicts {errors}")
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if not self_test():
        return 1
    if args.self_test:
        print("self-test: ok")
        return 0
    found = scan(ROOT)
    if args.update:
        write_allowlist([f for f in found if f[3] > LIMIT])
        print(f"wrote {ALLOWLIST}")
        return 0
    errors, notes = check(found, read_allowlist())
    for m in notes:
        print("note: " + m)
    for m in errors:
        print("error: " + m)
    over = sum(1 for f in found if f[3] > LIMIT)
    print(f"{len(found)} functions scanned, {over} over {LIMIT} lines (allow-listed: "
          f"{over - len(errors)}), {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
