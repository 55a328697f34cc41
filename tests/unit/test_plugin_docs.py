"""Every module and plugin of the project documents itself, and the documentation is true (issue 9.5).

Discovered from the tree (``library/*``, ``plugins/<type>/*.py``), so a new file is covered without
editing this test. ``ansible-doc -t <type>`` (with the project's ansible.cfg) must render each one;
its output is then checked as ``ansible-test sanity --test validate-modules`` would check a
collection's (that tool needs a collection layout, which this repository is not): required keys,
option and return types, defaults of the declared type, EXAMPLES that parse as YAML tasks, and every
option of the code's argument spec documented, and every documented option in the spec.

Action plugins are documented by a module stub of the same name in ``library/`` (Ansible's
convention); terminal plugins cannot be rendered by ansible-doc, so their DOCUMENTATION is read with
Ansible's own ``read_docstring`` and checked against the same schema.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from ansible import constants as ansible_constants
from ansible.utils.plugin_docs import read_docstring

REPO = Path(__file__).resolve().parents[2]
ANSIBLE_DOC = REPO / ".venv" / "bin" / "ansible-doc"

# -- the documentation format (ansible-core's, as validate-modules checks it) ------------------------
_TEXT = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "minItems": 1, "items": {"type": "string"}},
    ]
}
MODULE_OPTION_TYPES = [
    "str",
    "list",
    "dict",
    "bool",
    "int",
    "float",
    "path",
    "raw",
    "jsonarg",
    "json",
    "bytes",
    "bits",
]
PLUGIN_OPTION_TYPES = [
    *MODULE_OPTION_TYPES,
    *(
        "string",
        "boolean",
        "integer",
        "pathspec",
        "pathlist",
        "tmppath",
        "tmp",
        "temppath",
        "none",
        "dictionary",
    ),
]
RETURN_TYPES = ["any", "bits", "bool", "bytes", "complex", "dict", "float", "int", "json", "jsonarg", "list", "path", "raw", "sid", "str"]  # fmt: skip


def _option_schema(types: list[str], *, module: bool) -> dict[str, Any]:
    option: dict[str, Any] = {
        "type": "object",
        "required": ["description"],
        "properties": {
            "description": _TEXT,
            "type": {"enum": types},
            "required": {"type": "boolean"},
            "default": {},
            "choices": {"type": "array"},
            "aliases": {"type": "array", "items": {"type": "string"}},
            "elements": {"enum": types},
            "version_added": {"type": "string"},
            "no_log": {"type": "boolean"},
            "suboptions": {"type": "object", "additionalProperties": {"$ref": "#/$defs/option"}},
        },
        # a list says what it holds (validate-modules: "elements" is required for type list)
        "if": {"properties": {"type": {"const": "list"}}, "required": ["type"]},
        "then": {"required": ["elements"]} if module else {},
    }
    if module:  # plugin options also carry env / ini / vars / keyword and doc-fragment extras
        option["additionalProperties"] = False
    return option


def _doc_schema(*, module: bool) -> dict[str, Any]:
    types = MODULE_OPTION_TYPES if module else PLUGIN_OPTION_TYPES
    required = ["short_description", "description"] + (
        ["module", "author", "version_added"] if module else ["name"]
    )
    return {
        "$defs": {"option": _option_schema(types, module=module)},
        "type": "object",
        "required": required,
        "properties": {
            "short_description": {"type": "string", "minLength": 1},
            "description": _TEXT,
            "author": _TEXT,
            "notes": _TEXT,
            "requirements": _TEXT,
            "options": {"type": "object", "additionalProperties": {"$ref": "#/$defs/option"}},
        },
    }


RETURN_SCHEMA: dict[str, Any] = {
    "$defs": {
        "value": {
            "type": "object",
            "required": ["description", "type"],
            "properties": {
                "description": _TEXT,
                "type": {"enum": RETURN_TYPES},
                "returned": {"type": "string", "minLength": 1},
                "elements": {"enum": RETURN_TYPES},
                "sample": {},
                "contains": {"type": "object", "additionalProperties": {"$ref": "#/$defs/value"}},
            },
            "additionalProperties": False,
        },
        "module_value": {"allOf": [{"$ref": "#/$defs/value"}, {"required": ["returned"]}]},
    },
    "type": "object",
}

_PY_TYPES: dict[str, type | tuple[type, ...]] = {
    "str": str,
    "string": str,
    "path": str,
    "int": int,
    "integer": int,
    "float": (int, float),
    "bool": bool,
    "boolean": bool,
    "list": list,
    "dict": dict,
}


def doc_problems(kind: str, name: str, entry: dict[str, Any]) -> list[str]:
    """What is wrong with one ansible-doc --json entry (doc, examples, return); [] when nothing."""
    module = kind == "module"
    problems = [
        f"DOCUMENTATION {'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in jsonschema.Draft202012Validator(_doc_schema(module=module)).iter_errors(
            entry.get("doc") or {}
        )
    ]
    doc = entry.get("doc") or {}
    if doc.get("module" if module else "name", name) != name:
        problems.append(f"DOCUMENTATION names {doc.get('module') or doc.get('name')!r}, the file is {name!r}")
    problems += _default_problems(doc.get("options") or {})
    returned = entry.get("return") or {}
    value_ref = "#/$defs/module_value" if module else "#/$defs/value"
    schema = {**RETURN_SCHEMA, "additionalProperties": {"$ref": value_ref}}
    problems += [
        f"RETURN {'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft202012Validator(schema).iter_errors(returned)
    ]
    examples = entry.get("examples")
    needs_examples = kind in ("module", "lookup", "inventory")
    if needs_examples and not (examples or "").strip():
        problems.append("EXAMPLES missing")
    if kind in ("module", "lookup") and not returned:
        problems.append("RETURN missing")
    if examples and examples.strip():
        problems += _example_problems(kind, name, examples)
    return problems


def _default_problems(options: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for opt, spec in options.items():
        expected = _PY_TYPES.get(spec.get("type", "str"))
        default = spec.get("default")
        if default is not None and expected and not isinstance(default, expected):
            out.append(f"option {prefix}{opt}: default {default!r} is not of type {spec.get('type', 'str')}")
        if isinstance(default, bool) and spec.get("type") in ("int", "float", "integer"):
            out.append(f"option {prefix}{opt}: default {default!r} is not a number")
        choices = spec.get("choices")
        listed = isinstance(default, list) and choices and set(default) <= set(choices)
        if default is not None and choices and default not in choices and not listed:
            out.append(f"option {prefix}{opt}: default {default!r} is not one of the choices")
        out += _default_problems(spec.get("suboptions") or {}, f"{prefix}{opt}.")
    return out


def _example_problems(kind: str, name: str, text: str) -> list[str]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [f"EXAMPLES is not valid YAML: {exc}"]
    if kind == "inventory":
        ok = isinstance(data, dict) and data.get("plugin") == name
        return [] if ok else ["EXAMPLES: an inventory example is a configuration with plugin: " + name]
    if not isinstance(data, list) or not all(isinstance(t, dict) for t in data):
        return ["EXAMPLES: not a list of tasks"]
    if kind == "module" and not any(name in task or f"ansible.legacy.{name}" in task for task in data):
        return [f"EXAMPLES: no task uses {name}"]
    return []


# -- what the code accepts --------------------------------------------------------------------------
def _literal(node: ast.AST) -> Any:
    """A literal, with dict(key=...) calls as dicts (how modules usually spell argument_spec)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return {kw.arg: _literal(kw.value) for kw in node.keywords}
    if isinstance(node, ast.Dict):
        return {
            _literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True) if k is not None
        }
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(e) for e in node.elts]
    return ast.literal_eval(node)


def python_argument_spec(path: Path) -> dict[str, Any] | None:
    """argument_spec of AnsibleModule(...) or self.validate_argument_spec(...), as written; None if absent."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = (
            func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        )
        if called in ("AnsibleModule", "validate_argument_spec"):
            for kw in node.keywords:
                if kw.arg == "argument_spec":
                    spec = _literal(kw.value)
                    assert isinstance(spec, dict)
                    return spec
    return None


def task_args_read(path: Path) -> set[str]:
    """Names an action plugin reads with self._task.args.get("name") / ["name"]."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"_task\.args(?:\.get\(|\[)\s*[\"'](\w+)[\"']", text))


def powershell_argument_spec(path: Path) -> dict[str, Any]:
    """The options of an Ansible.Basic `$spec = @{ options = @{ name = @{ type = ...; ... } } }`."""
    spec: dict[str, Any] = {}
    for name, body in re.findall(
        r"^\s*(\w+)\s*=\s*@\{\s*(type\s*=[^}]*)\}", path.read_text(encoding="utf-8"), re.M
    ):
        fields = dict(re.findall(r"(\w+)\s*=\s*'([^']*)'", body))
        spec[name] = {k: v for k, v in fields.items() if k in ("type", "elements")}
        if re.search(r"required\s*=\s*\$true", body):
            spec[name]["required"] = True
    return spec


def spec_problems(spec: dict[str, Any], options: dict[str, Any], prefix: str = "") -> list[str]:
    """Differences between an argument spec and the documented options (names, type, elements, required,
    default, choices), recursively through suboptions/options."""
    out = []
    for name in sorted(set(spec) - set(options)):
        out.append(f"option {prefix}{name} is in the argument spec but not documented")
    for name in sorted(set(options) - set(spec)):
        out.append(f"option {prefix}{name} is documented but not in the argument spec")
    for name in sorted(set(spec) & set(options)):
        code, doc = spec[name], options[name]
        for key, fallback in (("type", "str"), ("elements", None), ("required", False), ("choices", None)):
            if code.get(key, fallback) != doc.get(key, fallback):
                out.append(
                    f"option {prefix}{name}: {key} is {code.get(key)!r} in the code, {doc.get(key)!r} documented"
                )
        if "default" in code and code["default"] != doc.get("default", [] if code["default"] == [] else None):
            out.append(
                f"option {prefix}{name}: default {code['default']!r} in the code, {doc.get('default')!r} documented"
            )
        if code.get("options") or doc.get("suboptions"):
            out += spec_problems(code.get("options") or {}, doc.get("suboptions") or {}, f"{prefix}{name}.")
    return out


# -- discovery -------------------------------------------------------------------------------------
def _filter_names(path: Path) -> set[str]:
    """The names a filter plugin file declares: the string keys of the dict its filters() returns."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        key.value
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == "filters"
        for ret in ast.walk(node)
        if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Dict)
        for key in ret.value.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def discovered() -> dict[str, list[str]]:
    """ansible-doc type -> names, from the tree. Action plugins render as modules (their stubs)."""
    found: dict[str, set[str]] = {"module": {p.stem for p in (REPO / "library").glob("*.p[ys]*")}}
    for folder in sorted(p for p in (REPO / "plugins").iterdir() if p.is_dir()):
        names = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
        if folder.name == "action":
            continue  # documented by library/<name>.py, checked below
        if folder.name == "filter":  # one file holds several filters, each documented by <filter>.yml
            names = {n for p in folder.glob("*.py") for n in _filter_names(p)}
        if names:
            found.setdefault(folder.name, set()).update(names)
    return {kind: sorted(names) for kind, names in found.items()}


RENDERED = {k: v for k, v in discovered().items() if k in ansible_constants.DOCUMENTABLE_PLUGINS}
NOT_RENDERED = {k: v for k, v in discovered().items() if k not in ansible_constants.DOCUMENTABLE_PLUGINS}


@functools.cache
def ansible_doc(kind: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    return subprocess.run(
        [str(ANSIBLE_DOC), "-t", kind, "--json", *RENDERED[kind]],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
        timeout=300,
    )


def _entry(kind: str, name: str) -> dict[str, Any]:
    out = ansible_doc(kind)
    assert out.returncode == 0, out.stderr[-3000:]
    data = json.loads(out.stdout)
    assert name in data, f"ansible-doc -t {kind} {name}: not rendered\n{out.stderr[-2000:]}"
    entry: dict[str, Any] = data[name]
    return entry


def test_discovery_finds_the_project_files() -> None:
    # the discovery itself must not be empty or miss a kind the project has
    assert {"courtops_linux_collect", "courtops_host_metrics", "courtops_win_metrics"} <= set(
        RENDERED["module"]
    )
    assert {"callback", "cliconf", "inventory", "lookup"} <= set(RENDERED)
    assert "terminal" in NOT_RENDERED


@pytest.mark.parametrize(
    ("kind", "name"), [(kind, name) for kind, names in RENDERED.items() for name in names], ids="{}".format
)
def test_ansible_doc_renders_and_the_documentation_is_valid(kind: str, name: str) -> None:
    problems = doc_problems(kind, name, _entry(kind, name))
    assert not problems, f"{kind} {name}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("kind", "name"),
    [(kind, name) for kind, names in NOT_RENDERED.items() for name in names],
    ids="{}".format,
)
def test_plugins_ansible_doc_cannot_render_still_have_valid_documentation(kind: str, name: str) -> None:
    data = read_docstring(str(REPO / "plugins" / kind / f"{name}.py"))
    entry = {"doc": data.get("doc"), "examples": data.get("plainexamples"), "return": data.get("returndocs")}
    problems = doc_problems(kind, name, entry)
    assert not problems, f"{kind} {name}:\n" + "\n".join(problems)


ACTIONS = sorted(p.stem for p in (REPO / "plugins" / "action").glob("*.py"))


@pytest.mark.parametrize("name", ACTIONS)
def test_every_action_plugin_is_documented_by_a_module_stub(name: str) -> None:
    stub = REPO / "library" / f"{name}.py"
    assert stub.exists(), f"plugins/action/{name}.py needs library/{name}.py with its documentation"
    options = _entry("module", name)["doc"].get("options") or {}
    path = REPO / "plugins" / "action" / f"{name}.py"
    spec = python_argument_spec(path)
    if spec is not None:
        problems = spec_problems(spec, options)
    else:  # no validate_argument_spec (yet): at least every argument it reads is documented
        problems = [
            f"argument {a} is read but not documented" for a in sorted(task_args_read(path) - set(options))
        ]
    assert not problems, f"{name}:\n" + "\n".join(problems)


MODULES = sorted(
    p
    for p in (REPO / "library").glob("*.p[ys]*")
    if not (REPO / "plugins" / "action" / f"{p.stem}.py").exists()
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_argument_spec_and_documentation_agree(path: Path) -> None:
    if path.suffix == ".ps1":
        spec = powershell_argument_spec(path)
        options = {
            k: {f: v for f, v in o.items() if f in ("type", "elements", "required")}
            for k, o in (_entry("module", path.stem)["doc"].get("options") or {}).items()
        }
    else:
        found = python_argument_spec(path)
        if found is None:  # a documentation stub of a PowerShell module: checked with the .ps1
            assert path.with_suffix(".ps1").exists(), f"{path.name}: no AnsibleModule(argument_spec=...)"
            return
        spec, options = found, _entry("module", path.stem)["doc"].get("options") or {}
    problems = spec_problems(spec, options)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("kind", ["callback", "inventory", "lookup"])
def test_every_option_a_plugin_reads_is_documented(kind: str) -> None:
    for name in RENDERED[kind]:
        read = set(
            re.findall(
                r"get_option\(\s*[\"'](\w+)[\"']", (REPO / "plugins" / kind / f"{name}.py").read_text()
            )
        )
        documented = set(_entry(kind, name)["doc"].get("options") or {})
        assert read <= documented, f"{kind} {name}: reads undocumented options {sorted(read - documented)}"


def test_no_plugin_or_module_changes_sys_path() -> None:
    offenders = [
        str(p.relative_to(REPO))
        for p in [
            *(REPO / "plugins").rglob("*.py"),
            *(REPO / "library").glob("*.py"),
            *(REPO / "module_utils").glob("*.py"),
        ]
        if "sys.path" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


# -- the checks above can fail: known-bad documentation is caught ------------------------------------
GOOD: dict[str, Any] = {
    "doc": {
        "module": "m",
        "short_description": "s",
        "description": ["d"],
        "author": "courtops",
        "version_added": "0.1.0",
        "options": {"n": {"description": "n", "type": "int", "default": 1}},
    },
    "examples": "- name: x\n  m:\n    n: 2\n",
    "return": {"r": {"description": "r", "type": "str", "returned": "always"}},
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"doc": {**GOOD["doc"], "options": {"n": {"description": "n", "type": "integer"}}}},
            "options.n.type",
        ),
        ({"doc": {**GOOD["doc"], "options": {"n": {"description": "n", "type": "list"}}}}, "elements"),
        (
            {"doc": {**GOOD["doc"], "options": {"n": {"description": "n", "type": "int", "default": "1"}}}},
            "default",
        ),
        ({"doc": {k: v for k, v in GOOD["doc"].items() if k != "short_description"}}, "short_description"),
        ({"doc": {**GOOD["doc"], "module": "other"}}, "DOCUMENTATION names"),
        ({"examples": "- name: x\n  m: {n: 2\n"}, "not valid YAML"),
        ({"examples": "- name: x\n  ping:\n"}, "no task uses m"),
        ({"return": {"r": {"description": "r", "type": "string", "returned": "always"}}}, "RETURN r.type"),
        ({"return": {"r": {"description": "r", "type": "str"}}}, "'returned' is a required property"),
        ({"return": {}}, "RETURN missing"),
    ],
)
def test_bad_documentation_is_caught(change: dict[str, Any], expected: str) -> None:
    assert doc_problems("module", "m", GOOD) == []
    problems = doc_problems("module", "m", {**GOOD, **change})
    assert any(expected in p for p in problems), problems


def test_argument_spec_differences_are_caught() -> None:
    doc = {"a": {"type": "int", "default": 1}, "b": {"type": "list", "elements": "str"}}
    assert (
        spec_problems({"a": {"type": "int", "default": 1}, "b": {"type": "list", "elements": "str"}}, doc)
        == []
    )
    problems = spec_problems({"a": {"type": "str", "default": 2}, "c": {}}, doc)
    assert any("c is in the argument spec but not documented" in p for p in problems)
    assert any("b is documented but not in the argument spec" in p for p in problems)
    assert any("a: type" in p for p in problems) and any("a: default" in p for p in problems)
