"""The shape of the house: the declared layers hold and no two modules import each other.

The layers themselves are import-linter's contract in pyproject.toml (run by ``./dev lint``);
this test finds import cycles between the project's own modules, imports inside functions
included, which a layers contract cannot see inside one app.
"""

import grimp

APPS = ("config", "core", "councils", "plans", "subsidies", "staffing", "reports", "portal", "demo")


def _graph():
    # portal/ may not exist yet on every branch; the graph holds the apps that do.
    present = []
    for app in APPS:
        try:
            __import__(app)
        except ModuleNotFoundError:
            continue
        present.append(app)
    return grimp.build_graph(*present, cache_dir=None)


def _cycles(graph) -> list[list[str]]:
    """Each group of modules (migrations left out) that import one another, by Tarjan's algorithm."""
    modules = sorted(m for m in graph.modules if ".migrations" not in m)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules)) for m in modules}
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in modules:
        if module not in index:
            connect(module)
    return found


def test_no_import_cycles_between_modules():
    assert _cycles(_graph()) == []


def test_cycle_finder_finds_a_cycle():
    class Graph:
        modules = {"a", "b", "c"}

        @staticmethod
        def find_modules_directly_imported_by(module):
            return {"a": {"b"}, "b": {"a"}, "c": {"a"}}[module]

    assert _cycles(Graph()) == [["a", "b"]]
