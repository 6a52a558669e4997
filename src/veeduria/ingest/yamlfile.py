"""Reading YAML with line numbers and without silently dropping duplicate keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _


class LineDict(dict[str, Any]):
    """A mapping that remembers the line it started on in its file."""

    line: int = 0


class YamlProblem(Exception):
    """A file that is not valid YAML, or has a duplicate key; the message names file and line."""


#: how deeply mappings and lists may nest in a dataset file (deeper is refused, never a crash)
MAX_DEPTH = 50
#: how many values a file may stand for once its aliases (``*name``) are expanded: a few kilobytes of nested
#: aliases can stand for billions; what a YAML writer's shared values produce stays far below
MAX_EXPANDED = 2_000_000


def _expanded(node: Any, seen: dict[int, int]) -> int:
    """How many values ``node`` stands for with every alias expanded (each distinct node counted once)."""
    key = id(node)
    if key not in seen:
        seen[key] = 0  # guards against a cycle (an alias to an enclosing anchor)
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(_expanded(k, seen) + _expanded(v, seen) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(_expanded(item, seen) for item in node.value)
        else:
            total = 1
        seen[key] = total
    return seen[key]


class _Loader(yaml.SafeLoader):
    """Safe YAML with limits: aliases may not stand for more than ``MAX_EXPANDED`` values, nesting is bounded."""

    depth = 0

    def compose_document(self) -> Any:
        node = super().compose_document()
        if node is not None and _expanded(node, {}) > MAX_EXPANDED:
            raise YamlProblem(
                _("los alias de YAML (*nombre) hacen que el archivo valga por más de %(max)d valores")
                % {"max": MAX_EXPANDED}
            )
        return node

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlProblem(
                    _("línea %(line)d: más de %(max)d niveles anidados") % {"line": mark.line + 1, "max": MAX_DEPTH}
                )
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        return super().compose_node(parent, index)


def _scalar(value: Any) -> bool:
    """Whether a mapping key is a plain value (a list or a mapping as a key is refused)."""
    return isinstance(value, str | int | float | bool | type(None))


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key: Any = loader.construct_object(key_node, deep=True)
        if not _scalar(key):
            raise YamlProblem(
                _("línea %(line)d: una clave debe ser un texto, no %(kind)s")
                % {"line": key_node.start_mark.line + 1, "kind": type(key).__name__}
            )
        if key in result:
            raise YamlProblem(
                _("línea %(line)d: clave duplicada %(key)s") % {"line": key_node.start_mark.line + 1, "key": repr(key)}
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


class YamlFloat(float):
    """A YAML float that remembers how it was written, so that a decimal field keeps every digit
    (``1234567890123456.78`` is not a float's ``1234567890123456.8``)."""

    text: str = ""


def _float(loader: _Loader, node: yaml.ScalarNode) -> YamlFloat:
    value = YamlFloat(loader.construct_yaml_float(node))
    value.text = str(node.value)
    return value


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor("tag:yaml.org,2002:float", _float)


def _check_size(path: Path) -> None:
    """Refuse a file larger than ``VEEDURIA_DATASET_FILE_MAX_MB`` before reading it."""
    from veeduria.ingest import limits

    size = path.stat().st_size
    if size > limits.max_dataset_file_bytes():
        raise YamlProblem(
            _("%(file)s: el archivo ocupa %(size)s; el límite es %(limit)s (VEEDURIA_DATASET_FILE_MAX_MB)")
            % {
                "file": path.name,
                "size": limits.megabytes(size),
                "limit": limits.megabytes(limits.max_dataset_file_bytes()),
            }
        )


def _check_values(path: Path, text: str) -> None:
    """Refuse a value longer than any field holds (``VEEDURIA_TEXT_MAX_CHARS``) before the (slow) parse: a quick
    pass of libyaml's scanner, when PyYAML has it (a syntax error is left to the parse, which names it)."""
    from veeduria.ingest import limits

    scanner = getattr(yaml, "CSafeLoader", None)
    if scanner is None:
        return
    longest = limits.max_text_chars()
    try:
        for token in yaml.scan(text, Loader=scanner):
            if isinstance(token, yaml.ScalarToken) and len(token.value) > longest:
                raise YamlProblem(
                    _("%(file)s: línea %(line)d: un valor de más de %(n)d caracteres (VEEDURIA_TEXT_MAX_CHARS)")
                    % {"file": path.name, "line": token.start_mark.line + 1, "n": longest}
                )
    except yaml.YAMLError:
        return


def read_yaml(path: Path) -> Any:
    """Parse ``path``; raise :class:`YamlProblem` naming the file and line on any syntax error, or if the file or
    one of its values is larger than the limits (docs/limits.md)."""
    try:
        if path.is_file():
            _check_size(path)
        text = path.read_text(encoding="utf-8")
    except IsADirectoryError as exc:
        raise YamlProblem(_("%(file)s: es una carpeta, no un archivo") % {"file": path.name}) from exc
    except OSError as exc:
        raise YamlProblem(
            _("%(file)s: no se puede leer (%(error)s)") % {"file": path.name, "error": exc.strerror or exc}
        ) from exc
    except UnicodeDecodeError as exc:
        raise YamlProblem(
            _("%(file)s: no es texto UTF-8 (byte %(byte)d)") % {"file": path.name, "byte": exc.start}
        ) from exc
    _check_values(path, text)
    try:
        return yaml.load(text, Loader=_Loader)
    except YamlProblem as exc:
        raise YamlProblem(f"{path.name}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            _("línea %(line)d, columna %(column)d") % {"line": mark.line + 1, "column": mark.column + 1}
            if mark
            else "?"
        )
        problem = getattr(exc, "problem", exc)
        raise YamlProblem(
            _("%(file)s: %(where)s: YAML no válido (%(problem)s)")
            % {"file": path.name, "where": where, "problem": problem}
        ) from exc
