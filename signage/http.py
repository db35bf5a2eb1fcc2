"""The HTTP edge: one path for input, from JSON bodies and from HTML forms, bounded whatever arrives."""
import math
import re

from flask import Flask, current_app, request, url_for
from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema, ValidationError, fields
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import BaseConverter, IntegerConverter, UnicodeConverter

from signage.errors import InvalidInput
from signage.i18n import TAGS
from signage.rules.findings import N_
from signage.vocabulary import MAX_FORM_ROWS

#: Parts a form key may have: secondary_uses.0.text_translations.zh-Hans.use is the deepest the forms write.
MAX_FORM_KEY_DEPTH = 5
#: Nesting a JSON body may have: the deepest document the API accepts is three levels.
MAX_JSON_DEPTH = 16
#: Values a JSON body may hold, and fields a form may send: far beyond any real site record, far below
#: what would make an answer of one error per unknown field megabytes long.
MAX_JSON_VALUES = 5_000
MAX_FORM_KEYS = 1_000
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: The largest id any table holds: PostgreSQL's integer; beyond it a path names nothing.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """The <int:…> converter, bounded to what a database id can hold, so huge numbers are a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    """The default path segment, without NUL or other control characters no database stores."""

    def __init__(self, map, minlength=1, maxlength=200, length=None):
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\x00-\x1f\x7f]", 1)


class CodeConverter(BaseConverter):
    """A site code or sign serial in a path: letters and digits only, so "X.pdf" names file X."""

    regex = "[0-9A-Za-z]{1,32}"


class LanguageConverter(BaseConverter):
    """A public page's language in its path (/n/CODE/zh-Hans/), as a static copy of the page can serve it."""

    regex = "|".join(TAGS.values())


class BoundedJSONProvider(DefaultJSONProvider):
    """Parse JSON as Flask does, but turn nesting too deep for the parser into a plain 400."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("The JSON is nested too deeply.") from None


def register_http(app: Flask) -> None:
    """Bound ids and path text before any route is added, parse JSON safely, and bound chunked bodies."""
    app.url_map.converters.update(int=IdConverter, default=TextConverter, string=TextConverter, code=CodeConverter,
                                  language=LanguageConverter)
    app.json = BoundedJSONProvider(app)
    app.before_request(refuse_oversized_body)
    app.jinja_env.globals["page_url"] = page_url


def page_url(cursor: str, endpoint: str | None = None) -> str:
    """Return this page's URL (or another endpoint's) with its query kept and the cursor of another page,
    for list pagers.

    Only plain query values are kept: url_for reads names starting with "_" (_external, _scheme) and
    "endpoint" itself as instructions, and view arguments are already in the path.
    """
    view_args = request.view_args or {}
    kept = {key: value for key, value in request.args.to_dict().items()
            if value and key != "endpoint" and not key.startswith("_") and key not in view_args}
    return url_for(endpoint or request.endpoint, **view_args, **{**kept, "cursor": cursor})


def query_args(*, drop_empty: bool = False) -> dict:
    """Return a dashboard page's query as its schema reads it: without `lang`, which any page takes as the
    language to show (signage.i18n), and, for filter forms that send every field, without the empty ones."""
    return {key: value for key, value in request.args.to_dict().items()
            if key != "lang" and (value or not drop_empty)}


#: Endpoints that take a larger body than MAX_CONTENT_LENGTH (an uploaded signed release), and their limit.
LARGE_BODIES: dict[str, int] = {}


def allow_large_body(endpoint: str, limit: int) -> None:
    """Let one endpoint take bodies up to `limit` bytes; every other keeps MAX_CONTENT_LENGTH."""
    LARGE_BODIES[endpoint] = limit


def refuse_oversized_body() -> None:
    """Answer 413 to a chunked body beyond MAX_CONTENT_LENGTH, and to a form with more fields than any has.

    Without a Content-Length, Werkzeug stops reading at the limit and hands on what it read, which
    would reach the parsers cut short; reading it here, once and cached, tells the two apart. A form's
    every unknown field would become an error message repeated on the page it re-renders.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.endpoint in LARGE_BODIES:
        limit = request.max_content_length = LARGE_BODIES[request.endpoint]
    if limit and request.content_length is None and request.environ.get("wsgi.input_terminated"):
        if len(request.get_data(cache=True, parse_form_data=False)) >= limit:
            raise RequestEntityTooLarge()
    if request.mimetype in FORM_TYPES and len(request.form) > MAX_FORM_KEYS:
        raise RequestEntityTooLarge(f"A form may send at most {MAX_FORM_KEYS} fields.")


def json_body() -> dict:
    """Return the request's JSON object, or raise: 400 for malformed JSON, 413 for a body too large."""
    try:
        data = request.get_json(force=False)
    except BadRequest:
        raise BadRequest("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidInput("The body must be a JSON object.", errors={"_schema": ["Not a JSON object."]})
    return data


def load_input(schema: Schema, *, partial=False) -> dict:
    """Load JSON (API) or form data (dashboard) through a schema, or raise InvalidInput."""
    data = json_body() if request.is_json else form_to_dict(request.form, schema)
    return load_data(schema, data, partial=partial)


def load_data(schema: Schema, data: dict, *, partial=False) -> dict:
    """Run schema.load and turn marshmallow's messages into InvalidInput.

    partial=True skips missing top-level fields only: a nested object (geo, a recipient) that is
    given at all is replaced whole and validated whole.
    """
    problem = unloadable(data)
    if problem:
        field, message = problem
        raise InvalidInput("Some input cannot be stored.", errors={field: [message]})
    if partial is True:
        partial = tuple(schema.fields)
    try:
        return schema.load(data, partial=partial)
    except ValidationError as error:
        messages = error.normalized_messages()
        count = len(messages)
        detail = "One field failed validation." if count == 1 else f"{count} fields failed validation."
        raise InvalidInput(detail, errors=messages) from None


def unloadable(value, max_depth: int = MAX_JSON_DEPTH) -> tuple[str, str] | None:
    """Name the first value no schema should see: nested too deep, or text no database stores."""
    stack, seen = [(value, "", 0)], 0
    while stack:
        item, path, depth = stack.pop()
        where = path or "_schema"
        seen += 1
        if seen > MAX_JSON_VALUES:
            return "_schema", f"Too many values; send at most {MAX_JSON_VALUES}."
        if depth > max_depth:
            return where, "Nested too deeply."
        if isinstance(item, str):
            if not _encodes(item):
                return where, N_("Contains a NUL character or a broken Unicode sequence.")
        elif isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str) and not _encodes(key):
                    return where, "A field name contains a NUL character or a broken Unicode sequence."
                stack.append((inner, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, f"{path}.{index}" if path else str(index), depth + 1)
                         for index, inner in enumerate(item))
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
    list fields, and blank strings count as missing. Keys deeper than the forms write
    and row numbers beyond MAX_FORM_ROWS are refused, naming the key.
    """
    data: dict = {}
    for key in form.keys():
        if key == "csrf_token" or key.startswith("_"):
            continue
        path = _checked_path(key)
        values = [value for value in form.getlist(key) if value.strip() != ""]
        field = _field_for(schema, path)
        if isinstance(field, fields.List):
            items = [line.strip() for value in values for line in value.splitlines() if line.strip()]
            if items or key in form:
                _assign(data, path, items)
        elif len(values) > 1:
            # one field, two answers: refusing is the only reading that cannot differ from another reader's
            raise InvalidInput("A field was given twice.", errors={path[0][:100]: ["Give this field once."]})
        elif values:
            _assign(data, path, form_value(field, values[0].strip()))
    return _lists_from_indices(data)


def form_value(field, text: str):
    """Read a form's text as the JSON type its field takes; text that is no such value stays text,
    so the schema refuses it naming the field."""
    if isinstance(field, fields.Boolean):
        return {"true": True, "on": True, "false": False}.get(text.lower(), text)
    if isinstance(field, fields.Integer):
        return int(text) if re.fullmatch(r"[+-]?[0-9]{1,15}", text) else text
    if isinstance(field, fields.Float):
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?", text):
            return text  # float() would also read '1_0', 'nan' and full-width digits
        number = float(text)
        return number if math.isfinite(number) else text
    return text


def is_row_number(part: str) -> bool:
    """Say whether a key segment is a row number: ASCII digits only ('²' and '①' are digits to str.isdigit)."""
    return part.isascii() and part.isdigit()


def _checked_path(key: str) -> list[str]:
    path = key.split(".")
    field = path[0][:100]  # named by the form's own field, however long the key sent
    if len(path) > MAX_FORM_KEY_DEPTH:
        raise InvalidInput("A form field name is nested too deeply.", errors={field: ["Not a field of this form."]})
    for part in path:
        if is_row_number(part) and (len(part) > 3 or int(part) >= MAX_FORM_ROWS):
            raise InvalidInput("Too many rows.", errors={field: [f"Use at most {MAX_FORM_ROWS} rows."]})
    return path


def _field_for(schema, path):
    field = None
    current = schema
    for part in path:
        if is_row_number(part):
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
    if converted and all(is_row_number(key) for key in converted):
        rows = [converted[key] for key in sorted(converted, key=int)]
        return [row for row in rows if row not in ({}, None, "")]
    return converted
