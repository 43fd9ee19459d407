"""Filter files import module_utils only when a filter is called (plugin_utils/filter_errors.py):
ansible-core loads every filter file of the collection in each task's worker to find one filter."""

import ast


def _module_level_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:  # module level only: imports inside functions run when the filter does
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _filter_files(root):
    return sorted((root / "plugins" / "filter").glob("*.py"))


def test_the_filter_files_are_found(root):
    assert len(_filter_files(root)) >= 10


def test_no_filter_file_imports_module_utils_at_load(root):
    offending = {path.name: m for path in _filter_files(root) for m in _module_level_imports(path) if ".module_utils." in m}
    assert offending == {}
