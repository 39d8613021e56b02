#!/usr/bin/env python3
"""File-level import graph of each crate; exits 1 and prints the circles if any.

A file is a module (`a/b.rs` or `a/b/mod.rs` is `a::b`); a file imports another when it names a path into it
(`crate::a::b::…`, `super::…`, `self::…`) anywhere in its text, tests included; a name a module
re-exports (`pub use writer::WriteTx;` in lib.rs, globs too) counts as an import of the file it comes
from. A parent naming its own children does not count (it declares them); a child naming its parent
does, so circles through a parent are circles. Only `//` line comments are skipped."""
import os, re, sys

def modules(src):
    mods = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith('.rs'):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, src)[:-3].split(os.sep)
            if rel[-1] in ('mod', 'lib', 'main'):
                rel = rel[:-1]
            mods[tuple(rel)] = path
    return mods

def resolve(mods, parts, reexports=None):
    """The file a path names: its longest prefix that is a module, or, when the next name is one that
    module re-exports (`pub use x::Name`), the file the name comes from."""
    parts = list(parts)
    n = len(parts)
    while n and tuple(parts[:n]) not in mods:
        n -= 1
    module = tuple(parts[:n])
    if reexports is not None and n < len(parts) and (module, parts[n]) in reexports:
        return reexports[(module, parts[n])]
    return module if n else None


ITEM = re.compile(r'^pub(?:\([a-z]+\))? (?:async )?(?:unsafe )?(?:struct|enum|fn|const|static|type|trait|mod) ([A-Za-z_][A-Za-z0-9_]*)', re.M)
REEXPORT = re.compile(r'^pub(?:\([a-z]+\))? use ([a-z_][a-z0-9_]*(?:::[a-z_][a-z0-9_]*)*)::(\{[^}]*\}|\*|[A-Za-z_][A-Za-z0-9_]*)\s*;', re.M)


def reexports_of(mods):
    """(module, name) -> the module the name is re-exported from, for `pub use` lines of every module
    (`pub use writer::WriteTx;`, `pub use shop::{A, B};`, and globs through the items they name)."""
    out = {}
    for m, path in mods.items():
        text = open(path, encoding='utf-8').read()
        for source, names in REEXPORT.findall(text):
            base = list(m) + source.split('::')
            if base[len(m)] == 'crate':
                base = source.split('::')[1:]
            target = resolve(mods, base)
            if target is None:
                continue
            if names == '*':
                listed = ITEM.findall(open(mods[target], encoding='utf-8').read())
            elif names.startswith('{'):
                listed = [x.strip().split(' as ')[-1].strip() for x in names[1:-1].split(',') if x.strip()]
            else:
                listed = [names]
            for name in listed:
                out[(m, name)] = target
    return out

PATH = re.compile(r'\b(crate|super|self)((?:::(?:[a-z_][a-z0-9_]*|\{[^}]*\}))+)')

def graph(src):
    mods = modules(src)
    reexports = reexports_of(mods)
    edges = {m: set() for m in mods}
    for m, path in mods.items():
        text = open(path, encoding='utf-8').read()
        text = re.sub(r'//[^\n]*', '', text)
        is_dir = os.path.basename(path) in ('mod.rs', 'lib.rs', 'main.rs')
        here = list(m) if is_dir else list(m[:-1])
        for head, rest in PATH.findall(text):
            segs = [s for s in rest.split('::') if s]
            targets = []
            base = [] if head == 'crate' else list(m) if head == 'self' else here[:-1] if is_dir else here
            # `super::super::x`
            while segs and segs[0] == 'super':
                base = base[:-1]
                segs = segs[1:]
            if head == 'super' and is_dir:
                pass
            if segs and segs[-1].startswith('{'):
                inner = segs[-1][1:-1]
                for item in inner.split(','):
                    item = item.strip().split('::')[0].split(' as ')[0].strip()
                    if item:
                        targets.append(base + segs[:-1] + [item])
            else:
                targets.append(base + segs)
            for t in targets:
                r = resolve(mods, t, reexports)
                if r is None or r == m:
                    continue
                # a parent naming its own child is declaring it, not depending on it
                if len(r) > len(m) and r[:len(m)] == m:
                    continue
                edges[m].add(r)
    return mods, edges

def sccs(edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)
    for v in edges:
        if v not in index:
            visit(v)
    return out

def main():
    roots = sys.argv[1:] or [os.path.join('crates', c, 'src') for c in sorted(os.listdir('crates'))]
    bad = 0
    for src in roots:
        if not os.path.isdir(src):
            continue
        mods, edges = graph(src)
        for comp in sccs(edges):
            bad += 1
            names = sorted('::'.join(c) or 'lib' for c in comp)
            print(f'{src}: circle among {len(comp)} files: ' + ', '.join(names))
            for c in sorted(comp):
                inside = sorted('::'.join(d) or 'lib' for d in edges[c] if d in comp)
                print(f'    {"::".join(c) or "lib"} -> {", ".join(inside)}')
        print(f'{src}: {len(mods)} files, {sum(len(e) for e in edges.values())} imports', file=sys.stderr)
    sys.exit(1 if bad else 0)

main()
