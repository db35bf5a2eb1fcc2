"""The HTTP edge: one path for input, from JSON bodies and from HTML forms."""
from flask import request
from marshmallow import Schema, ValidationError, fields
from werkzeug.routing import IntegerConverter

from signage.errors import InvalidInput


def load_input(schema: Schema, *, partial: bool = False) -> dict:
    """Load JSON (API) or form data (dashboard) through a schema, or raise InvalidInput."""
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise InvalidInput("The body must be a JSON object.", errors={"_schema": ["Not a JSON object."]})
    else:
        data = form_to_dict(request.form, schema)
    return load_data(schema, data, partial=partial)


class IdConverter(IntegerConverter):
    """The <int:…> converter, bounded to what a database id can hold, so huge numbers are a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def load_data(schema: Schema, data: dict, *, partial: bool = False) -> dict:
    """Run schema.load and turn marshmallow's messages into InvalidInput."""
    unstorable = unstorable_text(data)
    if unstorable:
        raise InvalidInput("Some text cannot be stored.",
                           errors={unstorable: ["Contains a NUL character or a broken Unicode sequence."]})
    try:
        return schema.load(data, partial=partial)
    except ValidationError as error:
        messages = error.normalized_messages()
        count = len(messages)
        detail = "One field failed validation." if count == 1 else f"{count} fields failed validation."
        raise InvalidInput(detail, errors=messages) from None


def unstorable_text(value, path: str = "") -> str | None:
    """Name the first string that no database can store (NUL, lone surrogates), or None."""
    if isinstance(value, str):
        return None if _encodes(value) else (path or "_schema")
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = unstorable_text(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


def _encodes(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def form_to_dict(form, schema: Schema) -> dict:
    """Turn flat form keys into the nested shape the schema expects.

    Dotted keys nest (``geo.lat``), numeric segments index lists
    (``recipients_third_parties.0.name``), multi-valued keys and textareas feed
    list fields, and blank strings count as missing.
    """
    data: dict = {}
    for key in form.keys():
        if key == "csrf_token" or key.startswith("_"):
            continue
        values = [value for value in form.getlist(key) if value.strip() != ""]
        field = _field_for(schema, key.split("."))
        if isinstance(field, fields.List):
            items = [line.strip() for value in values for line in value.splitlines() if line.strip()]
            if items or key in form:
                _assign(data, key.split("."), items)
        elif values:
            _assign(data, key.split("."), values[-1].strip())
    return _lists_from_indices(data)


def _field_for(schema, path):
    field = None
    current = schema
    for part in path:
        if part.isdigit():
            continue
        field = current.fields.get(part) if current is not None else None
        if field is None:
            return None
        nested = getattr(field, "inner", field)
        current = getattr(nested, "schema", None)
    return field


def _assign(data, path, value):
    for depth, part in enumerate(path[:-1]):
        data = data.setdefault(part, {})
        if not isinstance(data, dict):
            raise InvalidInput("Conflicting field names.",
                               errors={".".join(path[:depth + 1]): ["Given both as a value and as a group."]})
    if isinstance(data.get(path[-1]), dict):
        raise InvalidInput("Conflicting field names.", errors={".".join(path): ["Given both as a value and as a group."]})
    data[path[-1]] = value


def _lists_from_indices(value):
    if not isinstance(value, dict):
        return value
    converted = {key: _lists_from_indices(item) for key, item in value.items()}
    if converted and all(key.isdigit() for key in converted):
        rows = [converted[key] for key in sorted(converted, key=int)]
        return [row for row in rows if row not in ({}, None, "")]
    return converted
