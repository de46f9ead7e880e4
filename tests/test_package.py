"""Package-wide rules: one export list, no module reaching into another's private names, and
plots that draw what they are given without computing it."""

import ast
from pathlib import Path

import vae_helpers as vh

PACKAGE = Path(vh.__file__).parent
# What a plot may take from the rest of the package: input checks, the check of anomaly
# labels, and apply_mask to show the missing region of a masked digit in grey.
PLOT_IMPORTS = {
    "validation": None,
    "anomaly": {"check_anomaly_labels"},
    "inpainting": {"apply_mask"},
}


def _imports(path):
    """``(module, name)`` for each name ``path`` imports from inside the package."""
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            found += [(node.module or "", alias.name) for alias in node.names]
    return found


def test_no_module_imports_a_private_name_of_another():
    private = [
        f"{path.relative_to(PACKAGE)}: {module}.{name}"
        for path in PACKAGE.rglob("*.py")
        for module, name in _imports(path)
        if name.startswith("_")
    ]
    assert not private


def test_plots_import_no_models_metrics_or_noise():
    for path in (PACKAGE / "plots").glob("*.py"):
        for module, name in _imports(path):
            if module.startswith("_common"):
                continue
            assert module in PLOT_IMPORTS, f"{path.name} imports {name} from {module}"
            allowed = PLOT_IMPORTS[module]
            assert allowed is None or name in allowed, f"{path.name} imports {module}.{name}"
        tree = ast.parse(path.read_text())
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        used |= {alias.name for node in ast.walk(tree) for alias in getattr(node, "names", [])}
        computing = {"keras", "roc_curve", "roc_auc_score", "psnr", "kl_divergence", "predict"}
        assert not used & computing, f"{path.name} uses {sorted(used & computing)}"


def test_the_export_list_is_every_name_imported_from_a_submodule_once():
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    imported = [
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level and node.module
        for alias in node.names
    ]
    assert sorted({name for name in imported if imported.count(name) > 1}) == []
    assert set(imported) == set(vh.__all__)


def test_every_export_is_a_callable_or_a_constant():
    assert all(callable(getattr(vh, name)) or name.isupper() for name in vh.__all__)
