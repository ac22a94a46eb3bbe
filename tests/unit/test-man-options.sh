#!/bin/bash
# tmonctl(1) against tmonctl's own table of commands and options (which
# `tmonctl help CMD` prints): for every command, the SYNOPSIS line, the
# command's entry under COMMANDS and its list of options name the same
# options, with the same values, as the help does; the global options are
# under OPTIONS. Prints PASS/FAIL lines.
set -u
T=${1:?usage: test-man-options.sh path/to/tmonctl path/to/tmonctl.1}
M=${2:?usage: test-man-options.sh path/to/tmonctl path/to/tmonctl.1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmds=$("$T" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
for c in $cmds; do
	"$T" help "$c" >"$tmp/help.$c" || echo "FAIL unit/man-options/$c  (tmonctl help $c: exit $?)"
done
python3 - "$M" "$tmp" $cmds <<'EOF'
import re, sys

man, tmp, cmds = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = open(man).read().split("\n")


def fl_options(tokens, joined):
    """Options named by the Fl macros of mdoc tokens, as (flag, value).
    joined: "Fl n , Fl -count Ar count" is one option with two names."""
    out, i = [], 0
    while i < len(tokens):
        if tokens[i] == "Fl" and i + 1 < len(tokens):
            name, i = "-" + tokens[i + 1], i + 2
            value = []
            while i < len(tokens) and tokens[i] not in ("Fl", "Op", "Oo", "Oc", ","):
                if tokens[i] in ("Ar", "Cm"):
                    value.append(tokens[i + 1])
                    i += 2
                elif tokens[i] == "|":
                    value.append("|")
                    i += 1
                else:
                    i += 1
            v = "".join(value) or None
            if joined and out and out[-1][2]:
                out[-1] = (out[-1][0] + [name], v, False)
            else:
                out.append(([name], v, False))
            if i < len(tokens) and tokens[i] == ",":
                out[-1] = (out[-1][0], out[-1][1], True)
                i += 1
        else:
            i += 1
    return [(tuple(n), v) for n, v, _ in out]


def section(name):
    a = lines.index(".Sh " + name)
    b = next(k for k in range(a + 1, len(lines)) if lines[k].startswith(".Sh "))
    return lines[a + 1:b]


# SYNOPSIS: each ".Nm" block that starts with ".Cm CMD".
synopsis = {}
syn = section("SYNOPSIS")
for k, l in enumerate(syn):
    if l == ".Nm" and k + 1 < len(syn) and syn[k + 1].startswith(".Cm "):
        c = syn[k + 1].split()[1]
        toks = []
        for m in syn[k + 2:]:
            if m == ".Nm":
                break
            toks += m.lstrip(".").split()
        synopsis[c] = fl_options(toks, False)

# COMMANDS: each ".It Cm CMD ..." header, and the options list under it.
header, optlist = {}, {}
com = section("COMMANDS")
cur, depth, inlist = None, 0, False
for k, l in enumerate(com):
    if l.startswith(".Bl"):
        depth += 1
        inlist = depth == 2 and k >= 2 and com[k - 1] == "Options:"
        continue
    if l.startswith(".El"):
        depth -= 1
        inlist = False
        continue
    if depth == 1 and l.startswith(".It Cm "):
        cur = l.split()[2]
        header[cur] = fl_options(l.split()[3:], False)
    elif inlist and l.startswith(".It Fl "):
        optlist.setdefault(cur, []).append(fl_options(l.split()[1:], True)[0])

# The help: "Usage: tmonctl CMD [-o FILE] --prometheus ...", and one line an option.
for c in cmds:
    cbad = 0
    text = open(f"{tmp}/help.{c}").read().split("\n")
    usage = text[0][len("Usage: tmonctl " + c):]
    # A long synopsis goes on in indented lines.
    for t in text[1:]:
        if not t.startswith(" "):
            break
        usage += " " + t.strip()
    want_syn = []
    for m in re.finditer(r"\[(-[^\]]+)\]|(?<![\[\w])(--?[a-z][\w-]*)", usage):
        words = (m.group(1) or m.group(2)).split()
        want_syn.append(((words[0],), words[1].lower() if len(words) > 1 else None))
    want_opts = []
    for t in text:
        m = re.match(r"^  (?:(-\w), )?\s*(--[\w-]+)(?: (\S+))?\s", t + " ")
        if m and m.group(2) != "--help":
            names = tuple(x for x in (m.group(1), m.group(2)) if x)
            want_opts.append((names, m.group(3).lower() if m.group(3) else None))
    for what, got in (("SYNOPSIS", synopsis.get(c)), ("COMMANDS entry", header.get(c))):
        if got is None:
            print(f"FAIL unit/man-options/{c}  (no {what} line for {c} in tmonctl(1))")
            cbad = 1
        elif sorted(got) != sorted(want_syn):
            print(f"FAIL unit/man-options/{c}  ({what}: man {sorted(got)}, tmonctl help {sorted(want_syn)})")
            cbad = 1
    got = optlist.get(c, [])
    if sorted(got) != sorted(want_opts):
        print(f"FAIL unit/man-options/{c}  (options list: man {sorted(got)}, tmonctl help {sorted(want_opts)})")
    elif not cbad:
        print(f"PASS unit/man-options/{c}  ({len(want_opts)} options)")
extra = sorted(set(synopsis) - set(cmds) - {"help"})
if extra:
    print(f"FAIL unit/man-options/commands  (in tmonctl(1), not in tmonctl: {extra})")
glob = [n for o in fl_options(" ".join(l[1:] for l in section("OPTIONS") if l.startswith(".It ")).split(), True)
        for n in o[0]]
missing = [f for f in ("-j", "--json", "-p", "--pretty", "-h", "--help", "-V", "--version", "--") if f not in glob]
print(("FAIL" if missing else "PASS") + " unit/man-options/global" + (f"  (not under OPTIONS: {missing})" if missing else ""))
EOF
