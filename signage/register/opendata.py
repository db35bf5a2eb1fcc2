"""The register as open data: CSV, JSON and GeoJSON (RFC 7946), each row as one function of a register row.
Pure: rows in (anything with the register's column names as attributes), text out, a batch at a time.

GeoJSON features carry OpenStreetMap's surveillance tags beside our own fields, so a mapper's tools read
them as they read a camera mapped on OSM: man_made=surveillance, surveillance=public|outdoor|indoor,
surveillance:type=camera, surveillance:zone and operator (docs/open-data.md, with the mapping).

A download writes every row of the register, so each row's three documents are written once, when the row
is (stored_documents, kept in register_documents), all but the notice URL they end with, since the public
base URL is a setting: a download joins stored text and a URL, instead of encoding a document a row, which
is what takes it from about 20,000 rows a second to well over 50,000 (README, bench/register.py). A row
without its stored documents, or with ones of an older DOCUMENTS_FORMAT, is written here as it streams.
"""
import csv
import io
import json
import re
from json.encoder import encode_basestring as _quoted  # how json.dumps(ensure_ascii=False) writes a string
from types import SimpleNamespace

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
#: The shape of the stored documents: bump it with any change to what entry_document, feature or csv_cells
#: write (and public_views.DOWNLOAD_FORMAT with it), and every stored document is written afresh: by each
#: download as it streams, until housekeeping has rewritten it.
DOCUMENTS_FORMAT = 1


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


def stored_documents(row: dict) -> dict:
    """Return what register_documents keeps of a register row (as services.refresh_entries writes it): its CSV
    line, JSON document and GeoJSON feature, each as a download writes it but for the notice URL at its end."""
    entry = SimpleNamespace(**row)
    document, located = entry_document(entry, ""), feature(entry, "")
    del document["notice_url"], located["properties"]["notice_url"]  # each document's last field
    line = io.StringIO()
    csv.writer(line).writerow(csv_cells(entry, "")[:-1])
    return {"format": DOCUMENTS_FORMAT, "csv_text": line.getvalue()[:-2], "json_text": _compact(document)[:-1],
            "geojson_text": _compact(located)[:-2]}


def csv_chunks(batches, base_url: str):
    """Yield the register as CSV: a byte order mark and a header, then a chunk per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield BOM + _drain(buffer)
    url = f"{base_url}/n/"
    for rows in batches:
        for code, stored, entry in rows:
            if stored is None:
                writer.writerow(csv_cells(entry, base_url))
            else:
                buffer.write(f"{stored},{_csv_cell(url + code)}\r\n")
        yield _drain(buffer)


def json_chunks(batches, base_url: str):
    """Yield the register as one JSON array of deployments, a batch a chunk."""
    def written(code, stored, entry):
        if stored is None:
            return _compact(entry_document(entry, base_url))
        return f'{stored},"notice_url":{_quoted(url + code)}}}'
    url = f"{base_url}/n/"
    return _array_chunks("[", batches, written, "]")


def geojson_chunks(batches, base_url: str):
    """Yield the register as one GeoJSON FeatureCollection, a batch a chunk; empty, a valid empty collection."""
    def written(code, stored, entry):
        if stored is None:
            return _compact(feature(entry, base_url))
        return f'{stored},"notice_url":{_quoted(url + code)}}}}}'
    url = f"{base_url}/n/"
    return _array_chunks('{"type":"FeatureCollection","features":[', batches, written, "]}")


CHUNKS = {"csv": csv_chunks, "json": json_chunks, "geojson": geojson_chunks}


def _array_chunks(opening: str, batches, written, closing: str):
    yield opening
    first = True
    for rows in batches:
        text = ",".join([written(*row) for row in rows])
        if text:
            yield ("" if first else ",") + text
            first = False
    yield closing


def _compact(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _csv_cell(url: str) -> str:
    """A notice URL as csv.writer writes the cell csv_cells gives it: formula-safe, quoted when it must be."""
    url = _formula_safe(url)
    return '"' + url.replace('"', '""') + '"' if _CSV_QUOTED.search(url) else url


_CSV_QUOTED = re.compile('[,"\r\n]')


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None
