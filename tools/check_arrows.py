#!/usr/bin/env python3
"""Fails when an #include crosses an arrow that DESIGN.md does not draw.

DESIGN.md's "Arrows" block says which module may include which ("A -> B, C": A includes B and C).
A module is a folder named there (`core` is short for emulator/core); a file belongs to the
longest such folder that holds it. An include is allowed when it stays inside its module's family
(the same top folder under emulator/ or drivers/), or when an arrow from the file's module names
the included module. Arrows are not transitive: each module lists what it includes itself, so a
note such as "learning (rules only)" can be written as an arrow to that sub-folder. Outside
libraries are checked the same way (<Eigen/...> needs an arrow to Eigen).

Usage: check_arrows.py [REPO]   (exit 1 and one line per crossing when any is found)
"""
import os
import re
import sys

EXTERNAL = [  # include prefix -> the name DESIGN.md uses
    ("nlohmann/", "nlohmann_json"), ("Eigen/", "Eigen"), ("ngspice/", "libngspice"),
    ("boost/asio", "Boost.Asio"), ("boost/beast", "Boost.Beast"), ("boost/numeric/odeint", "Boost.Odeint"),
    ("fmt/", "fmt"), ("mpi.h", "MPI"), ("pybind11/", "pybind11"), ("CLI/", "CLI11"), ("catch2/", "Catch2"),
]
SOURCE_DIRS = ("emulator", "drivers", "tools", "tests", "python", "examples")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def module_name(word, emulator_modules):
    word = word.strip()
    if word.split("/")[0] in emulator_modules:  # "core", "learning/rules"
        return "emulator/" + word
    if "/" in word or word in ("tools", "tests", "python", "examples"):
        return word
    return word  # an outside library (Eigen, Boost.Asio, ...) or std


def read_arrows(design_path, repo):
    text = open(design_path, encoding="utf-8").read()
    match = re.search(r"## Arrows.*?```\n(.*?)```", text, re.S)
    if not match:
        sys.exit(f"{design_path}: no '## Arrows' section with a code block")
    top = os.path.join(repo, "emulator")
    emulator_modules = {d for d in os.listdir(top) if os.path.isdir(os.path.join(top, d))} if os.path.isdir(top) else set()
    arrows = {}
    for line in match.group(1).splitlines():
        line = re.sub(r"\(.*?\)", "", line).strip()
        if "->" not in line:
            continue
        left, right = line.split("->", 1)
        targets = {module_name(w, emulator_modules) for w in right.split(",") if w.strip()}
        for source in left.split(","):  # "emulator/* -> core": every emulator module may include core
            arrows.setdefault(module_name(source, emulator_modules), set()).update(targets)
    return arrows


def allowed_from(arrows, modules, start):
    allowed = set()
    drawn = set(arrows.get(start, ()))
    for glob in (g for g in arrows if g.endswith("/*") and start.startswith(g[:-1])):
        drawn |= arrows[glob]
    for target in drawn:
        if target.endswith("/*"):  # emulator/* : every module under emulator/
            allowed.update(m for m in modules if m.startswith(target[:-1]))
        else:
            allowed.add(target)
    return allowed


def owner(path, modules):
    best = None
    for m in modules:
        if (path == m or path.startswith(m + "/")) and (best is None or len(m) > len(best)):
            best = m
    return best


def family(module):
    parts = module.split("/")
    return "/".join(parts[:2]) if parts[0] in ("emulator", "drivers") else parts[0]


def main():
    repo = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    design = os.path.join(repo, "DESIGN.md")
    arrows = read_arrows(design, repo)
    modules = {m for m in arrows if not m.endswith("*")} | {t for ts in arrows.values() for t in ts if "/" in t and not t.endswith("*")}
    for top in ("emulator", "drivers"):  # every folder there is a module, named in the arrows or not
        for d in os.listdir(os.path.join(repo, top)) if os.path.isdir(os.path.join(repo, top)) else ():
            if os.path.isdir(os.path.join(repo, top, d)):
                modules.add(f"{top}/{d}")
    crossings = []
    for top in SOURCE_DIRS:
        for root, _, files in os.walk(os.path.join(repo, top)):
            for f in sorted(files):
                if not f.endswith((".cpp", ".hpp", ".h", ".cc")):
                    continue
                path = os.path.relpath(os.path.join(root, f), repo)
                mine = owner(path, modules)
                if mine is None:
                    crossings.append(f"{path}: in no module that DESIGN.md's arrows name")
                    continue
                if "anything" in arrows.get(mine, ()):
                    continue
                allowed = allowed_from(arrows, modules, mine)
                for n, line in enumerate(open(os.path.join(repo, path), encoding="utf-8", errors="replace"), 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    kind, target = m.groups()
                    if kind == '"':
                        theirs = owner(target, modules)
                        if theirs is None or family(theirs) == family(mine) or theirs in allowed:
                            continue
                        crossings.append(f"{path}:{n}: {mine} includes {target} ({theirs}), an arrow DESIGN.md does not draw")
                    else:
                        lib = next((name for prefix, name in EXTERNAL if target.startswith(prefix)), None)
                        if lib is None or lib in allowed:
                            continue
                        crossings.append(f"{path}:{n}: {mine} includes <{target}> ({lib}), an arrow DESIGN.md does not draw")
    for c in crossings:
        print(c)
    if crossings:
        print(f"check_arrows: {len(crossings)} include(s) cross an arrow; draw it in DESIGN.md or move the code")
        return 1
    print(f"check_arrows: every include follows DESIGN.md's arrows ({len(modules)} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
