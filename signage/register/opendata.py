"""The register as open data: CSV, JSON and GeoJSON (RFC 7946), each row as one function of a register row.
Pure: rows in, text out, a batch at a time.

GeoJSON features carry OpenStreetMap's surveillance tags beside our own fields, so a mapper's tools read
them as they read a camera mapped on OSM: man_made=surveillance, surveillance=public|outdoor|indoor,
surveillance:type=camera, surveillance:zone and operator (docs/open-data.md, with the mapping).

entry_document and feature give one row (anything with the register's column names as attributes) as the
API does. A download renders every row of the register, so it writes the same bytes another way: each row
read as plain values in DOWNLOAD_FIELDS' order, and each document written as text, piece by piece, with the
JSON encoder's own escaping of each string, instead of a dict built and then encoded a row (a test compares
the two row for row). That, and the values read without their types' conversions, is what takes a download
from about 20,000 rows a second to over 50,000 (README, bench/register.py).
"""
import csv
import io
import json
import re
from functools import lru_cache
from json.encoder import encode_basestring as _quoted  # how json.dumps(ensure_ascii=False) writes a string
from math import isfinite

from signage.consent.exports import BOM, FORMULA_STARTS
from signage.rules.texts import TEXT_LANGUAGES

#: Where the cameras look, in OSM's surveillance=* terms, by the kind of venue the operator gave.
SURVEILLANCE = {"public_place": "public", "business_premises_public_access": "indoor",
                "internal_workplace": "indoor", "residential_property_mgmt": "outdoor", "private_space": "indoor"}
#: OSM's surveillance:zone=* by the kind of venue.
ZONE = {"public_place": "town", "business_premises_public_access": "shop", "internal_workplace": "building",
        "residential_property_mgmt": "building", "private_space": "building"}
CSV_COLUMNS = ("code", "status", "status_since", "name", "name_zh_hans", "name_en", "address", "city", "operator",
               "operator_zh_hans", "operator_en", "purpose", "function", "jurisdictions", "venue_class", "live_mode",
               "retention_period_days", "latitude", "longitude", "first_published_at", "notice_version",
               "notice_sha256", "notice_url")
MIMETYPES = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}
#: What a download reads of each register row, in this order: the times as the database keeps them, in UTC
#: ("2026-12-02 10:13:20.767387"); the jurisdictions as their JSON text; then each language's name and then
#: each language's operator name (TEXT_LANGUAGES' order), None where the row has no text in that language.
DOWNLOAD_FIELDS = ("code", "status", "status_since", "name", "address", "city", "text_language", "operator",
                   "purpose", "function", "jurisdictions", "venue_class", "live_mode", "retention_period_days",
                   "latitude", "longitude", "first_published_at", "version_number", "version_sha256",
                   *(f"name:{tag}" for tag in TEXT_LANGUAGES), *(f"operator:{tag}" for tag in TEXT_LANGUAGES))


def entry_document(row, base_url: str) -> dict:
    """Return one deployment as the register's JSON and API give it."""
    texts = row.texts or {}
    return {
        "code": row.code, "status": row.status, "status_since": _iso(row.status_since),
        "name": row.name, "address": row.address, "city": row.city, "text_language": row.text_language,
        "names": {tag: texts[tag]["name"] for tag in TEXT_LANGUAGES if tag in texts},
        "operator": row.operator,
        "operator_names": {tag: texts[tag]["operator"] for tag in TEXT_LANGUAGES if tag in texts},
        "purpose": row.purpose, "function": row.function, "jurisdictions": list(row.jurisdictions or []),
        "venue_class": row.venue_class, "live_mode": row.live_mode,
        "retention_period_days": row.retention_period_days, "latitude": row.latitude, "longitude": row.longitude,
        "first_published_at": _iso(row.first_published_at), "notice_version": row.version_number,
        "notice_sha256": row.version_sha256, "notice_url": f"{base_url}/n/{row.code}",
    }


def osm_tags(row) -> dict:
    """Return OpenStreetMap's tags for a deployment, as far as the register knows them."""
    tags = {"man_made": "surveillance", "surveillance:type": "camera"}
    if row.venue_class in SURVEILLANCE:
        tags["surveillance"] = SURVEILLANCE[row.venue_class]
        tags["surveillance:zone"] = ZONE[row.venue_class]
    if row.operator:
        tags["operator"] = row.operator
    return tags


def feature(row, base_url: str) -> dict:
    """Return one deployment as a GeoJSON Feature: [longitude, latitude] (RFC 7946 §3.1.1), or no geometry
    when the operator gave no coordinates (§3.2 allows null)."""
    located = row.latitude is not None and row.longitude is not None
    return {"type": "Feature", "id": row.code,
            "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]} if located else None,
            "properties": {**osm_tags(row), **entry_document(row, base_url)}}


def csv_cells(row, base_url: str) -> list:
    """Return one deployment as the cells of its CSV line (CSV_COLUMNS), made formula-safe."""
    texts = row.texts or {}
    zh, en = texts.get("zh-Hans") or {}, texts.get("en") or {}
    cells = (row.code, row.status, _iso(row.status_since), row.name, zh.get("name"), en.get("name"), row.address,
             row.city, row.operator, zh.get("operator"), en.get("operator"), row.purpose, row.function,
             " ".join(row.jurisdictions or []), row.venue_class, row.live_mode, row.retention_period_days,
             row.latitude, row.longitude, _iso(row.first_published_at), row.version_number, row.version_sha256,
             f"{base_url}/n/{row.code}")
    return [_formula_safe(cell) for cell in cells]


def _formula_safe(cell):
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_chunks(batches, base_url: str):
    """Yield the register as CSV: a byte order mark and a header, then a chunk per batch of rows."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(CSV_COLUMNS)
    yield BOM + buffer.getvalue()
    url = f"{base_url}/n/"
    for rows in batches:
        yield "".join([_csv_line(row, url) for row in rows])


def json_chunks(batches, base_url: str):
    """Yield the register as one JSON array of deployments, a batch a chunk."""
    return _array_chunks("[", batches, _DocumentText(base_url), "]")


def geojson_chunks(batches, base_url: str):
    """Yield the register as one GeoJSON FeatureCollection, a batch a chunk; empty, a valid empty collection."""
    return _array_chunks('{"type":"FeatureCollection","features":[', batches, _FeatureText(base_url), "]}")


CHUNKS = {"csv": csv_chunks, "json": json_chunks, "geojson": geojson_chunks}


def _array_chunks(opening: str, batches, written, closing: str):
    yield opening
    first = True
    for rows in batches:
        text = ",".join(map(written, rows))
        if text:
            yield ("" if first else ",") + text
            first = False
    yield closing


_LANGUAGES = len(TEXT_LANGUAGES)
_NAMES, _OPERATORS = len(DOWNLOAD_FIELDS) - 2 * _LANGUAGES, len(DOWNLOAD_FIELDS) - _LANGUAGES
_ZH, _EN = TEXT_LANGUAGES.index("zh-Hans"), TEXT_LANGUAGES.index("en")
_TAG_KEYS = tuple(_quoted(tag) + ":" for tag in TEXT_LANGUAGES)


class _DocumentText:
    """Write a download row as json.dumps(entry_document(...), ensure_ascii=False, separators=(",", ":"))
    would: `head` up to the operator, the operator, `tail` after it (feature's properties need them apart)."""

    def __init__(self, base_url: str):
        self.url = f"{base_url}/n/"

    def __call__(self, row) -> str:
        head, operator, tail = self.parts(row)
        return f"{{{head}{operator}{tail}"

    def parts(self, row) -> tuple[str, str, str]:
        (code, status, since, name, address, city, language, operator, purpose, function, jurisdictions, venue,
         live, retention, latitude, longitude, first, number, sha256) = row[:_NAMES]
        # string columns hold text or NULL (SQLite's text affinity too): encode_basestring is json.dumps's
        head = (f'"code":{_quoted(code)},"status":{_quoted(status)},"status_since":{_quoted(_kept_iso(since))},'
                f'"name":{_quoted(name)},"address":{"null" if address is None else _quoted(address)},'
                f'"city":{"null" if city is None else _quoted(city)},"text_language":{_quoted(language)},'
                f'"names":{_by_language(row[_NAMES:_OPERATORS])},')
        tail = (f'"operator_names":{_by_language(row[_OPERATORS:])},'
                f'"purpose":{"null" if purpose is None else _quoted(purpose)},'
                f'"function":{"null" if function is None else _quoted(function)},'
                f'"jurisdictions":{_jurisdictions_json(jurisdictions)},'
                f'"venue_class":{"null" if venue is None else _quoted(venue)},'
                f'"live_mode":{"null" if live is None else _quoted(live)},'
                f'"retention_period_days":{_number(retention)},"latitude":{_number(latitude)},'
                f'"longitude":{_number(longitude)},"first_published_at":{_quoted(_kept_iso(first))},'
                f'"notice_version":{_number(number)},"notice_sha256":{_quoted(sha256)},'
                f'"notice_url":{_quoted(self.url + code)}}}')
        return head, f'"operator":{_quoted(operator)},', tail


class _FeatureText(_DocumentText):
    """Write a download row as json.dumps(feature(...), ensure_ascii=False, separators=(",", ":")) would.
    In feature's properties the operator, when there is one, keeps the place osm_tags gave it."""

    def __call__(self, row) -> str:
        head, operator, tail = self.parts(row)
        code, latitude, longitude, venue = row[0], row[14], row[15], row[11]
        geometry = ("null" if latitude is None or longitude is None else
                    f'{{"type":"Point","coordinates":[{_number(longitude)},{_number(latitude)}]}}')
        tags = _osm_text(venue)
        properties = f"{tags},{operator}{head}{tail}" if row[7] else f"{tags},{head}{operator}{tail}"
        return f'{{"type":"Feature","id":{_quoted(code)},"geometry":{geometry},"properties":{{{properties}}}'


@lru_cache(maxsize=None)  # a handful of venue classes
def _osm_text(venue_class) -> str:
    tags = {"man_made": "surveillance", "surveillance:type": "camera"}
    if venue_class in SURVEILLANCE:
        tags.update({"surveillance": SURVEILLANCE[venue_class], "surveillance:zone": ZONE[venue_class]})
    return json.dumps(tags, ensure_ascii=False, separators=(",", ":"))[1:-1]


def _number(value) -> str:
    if value is None:
        return "null"
    if type(value) is int or type(value) is float and isfinite(value):
        return repr(value)  # json.dumps writes int.__repr__ and float.__repr__
    return _json(value)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _by_language(values) -> str:
    return "{" + ",".join([key + _quoted(value) for key, value in zip(_TAG_KEYS, values) if value is not None]) + "}"


@lru_cache(maxsize=1024)  # rows share a few sets of jurisdictions
def _jurisdictions_json(kept: str | None) -> str:
    return _json(list(json.loads(kept) or []) if kept else [])


@lru_cache(maxsize=1024)
def _jurisdictions_cell(kept: str | None) -> str:
    return " ".join(json.loads(kept) or []) if kept else ""


def _csv_line(row, url: str) -> str:
    """Write a download row as csv.writer writes csv_cells' (the excel dialect: a cell in quotes, its quotes
    doubled, when it holds a comma, a quote or a line break; None empty; a number as str() writes it)."""
    (code, status, since, name, address, city, _language, operator, purpose, function, jurisdictions, venue, live,
     retention, latitude, longitude, first, number, sha256) = row[:_NAMES]
    names, operators = row[_NAMES:_OPERATORS], row[_OPERATORS:]
    # cells from the vocabulary (status, purpose, function, venue, live mode, the jurisdictions' codes) and the
    # ones written here (the code, the times, the hash, the numbers) never need quotes or start as a formula
    return (f"{code},{status},{_kept_iso(since) or ''},{_csv_text(name)},{_csv_text(names[_ZH])},"
            f"{_csv_text(names[_EN])},{_csv_text(address)},{_csv_text(city)},{_csv_text(operator)},"
            f"{_csv_text(operators[_ZH])},{_csv_text(operators[_EN])},{purpose or ''},{function or ''},"
            f"{_jurisdictions_cell(jurisdictions)},{venue or ''},{live or ''},{_csv_number(retention)},"
            f"{_csv_number(latitude)},{_csv_number(longitude)},{_kept_iso(first) or ''},{number},{sha256},"
            f"{_csv_text(url + code)}\r\n")


def _csv_text(cell) -> str:
    """A cell of free text, made formula-safe, as csv.writer writes it."""
    if cell is None:
        return ""
    if cell.startswith(FORMULA_STARTS):
        cell = "'" + cell
    if _CSV_QUOTED.search(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _csv_number(value) -> str:
    return "" if value is None else str(value)


_CSV_QUOTED = re.compile('[,"\r\n]')


def _kept_iso(kept: str | None) -> str | None:
    """A time as the database keeps it in UTC, written as datetime.isoformat writes it (the fraction only
    when it is not zero)."""
    if kept is None:
        return None
    fraction = kept[19:]
    return f"{kept[:10]}T{kept[11:19]}{'' if fraction in ('', '.000000') else fraction}+00:00"


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None
