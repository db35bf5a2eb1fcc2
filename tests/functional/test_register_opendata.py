"""The register as open data, as a data journalist, a mapper or a spreadsheet user gets it: CSV that opens
with its Chinese text and runs no formula, JSON with the documented fields, GeoJSON that another
implementation reads as RFC 7946, ETags a cache can revalidate with, and bad filters answered as problems."""
import csv
import io
import json
import re
from datetime import datetime, timedelta
from html import unescape

import geojson
import pytest
from sqlalchemy import delete, select, update

from signage.notices.models import NoticeVersion
from signage.register import opendata, queries
from signage.register.models import RegisterDocument, RegisterEntry
from signage.sites.services import change_status, update_site

from helpers import ILLINOIS_GYM, NORTH_GATE_ZH, T0

BASE_URL = "https://signs.example"  # the tests' PUBLIC_BASE_URL
CHICAGO = {"lat": 41.88, "lng": -87.63}
LAKESIDE = {"legal_name": "Lakeside Fitness LLC", "name_translations": {"zh-Hans": {"legal_name": "湖畔健身有限公司"}}}
ZH_PROSE_ONLY = {"zh-Hans": {name: text for name, text in NORTH_GATE_ZH["zh-Hans"].items() if name != "site_name"}}
FORMULA_NAME = '=HYPERLINK("https://evil.example","Click")'
#: docs/open-data.md, "CSV"
CSV_COLUMNS = ["code", "status", "status_since", "name", "name_zh_hans", "name_en", "address", "city", "operator",
               "operator_zh_hans", "operator_en", "purpose", "function", "jurisdictions", "venue_class", "live_mode",
               "retention_period_days", "latitude", "longitude", "first_published_at", "notice_version",
               "notice_sha256", "notice_url"]
#: docs/open-data.md, "Fields (JSON, and GeoJSON properties)"
JSON_FIELDS = {"code", "status", "status_since", "name", "names", "address", "city", "text_language", "operator",
               "operator_names", "purpose", "function", "jurisdictions", "venue_class", "live_mode",
               "retention_period_days", "latitude", "longitude", "first_published_at", "notice_version",
               "notice_sha256", "notice_url"}


def download(client, path, headers=None):
    """GET a download and read it whole (the answer is streamed): the response and its body's bytes."""
    with client.get(path, headers=headers or {}) as response:
        body = response.get_data()
    return response, body


def strict_json(body: bytes):
    """Parse as RFC 8259 JSON: NaN and Infinity, which Python would accept, are not JSON."""
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(body.decode("utf-8"), parse_constant=refuse)


def csv_rows(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf"), body[:10]
    reader = csv.DictReader(io.StringIO(body[3:].decode("utf-8"), newline=""))
    assert reader.fieldnames == CSV_COLUMNS
    return list(reader)


def page_codes(client, query: str) -> list[str]:
    page = client.get(f"/register?lang=en&{query}")
    assert page.status_code == 200
    return re.findall(r'<li class="entry"[^>]*>\s*<h2><a href="/n/([A-Z0-9]+)/', page.get_data(as_text=True))


def latest(db, site) -> NoticeVersion:
    return db.session.scalar(select(NoticeVersion).where(NoticeVersion.site_id == site.id)
                             .order_by(NoticeVersion.number.desc()).limit(1))


@pytest.fixture
def town(publish, make_site, make_org, make_user, db, owner, settings):
    """North gate in Shanghai; a gym in Chicago (west of Greenwich) run by an operator with a Chinese name;
    a site whose name and operator look like formulas; a suspended site whose coordinates were removed; a draft."""
    lakeside = make_user("owner", organisation=make_org(**LAKESIDE))
    loop = publish(by=lakeside, **{
        **ILLINOIS_GYM, "site_name": "Loop fitness turnstile", "geo": CHICAGO,
        "text_translations": {"zh-Hans": {**ILLINOIS_GYM["text_translations"]["zh-Hans"], "site_name": "环线健身房"}}})
    north = publish(text_translations=NORTH_GATE_ZH)
    risky = make_user("owner", organisation=make_org(legal_name="@Risk Security Ltd"))
    formula = publish(by=risky, site_name=FORMULA_NAME, address="-1 Basement, 5 Example Road, Shanghai",
                      text_translations=ZH_PROSE_ONLY)
    unmapped = publish(site_name="Unmapped kiosk", text_translations=NORTH_GATE_ZH)
    change_status(unmapped, "suspended", reason="moving", by=owner, now=T0 + timedelta(days=1), settings=settings)
    update_site(unmapped, {"geo": None}, by=owner, now=T0 + timedelta(days=2), settings=settings)
    db.session.commit()
    draft = make_site(site_name="Hidden draft depot")
    return {"north": north, "loop": loop, "formula": formula, "unmapped": unmapped, "draft": draft}


# CSV

def test_the_csv_has_a_bom_one_row_per_listed_site_and_chinese_intact(client, db, town):
    response, body = download(client, "/register.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "signage-register.csv" in response.headers["Content-Disposition"]
    rows = csv_rows(body)
    assert [row["code"] for row in rows] == page_codes(client, "")  # the live sites, in the page's order
    assert {row["code"] for row in rows} == {town[name].code for name in ("north", "loop", "formula")}
    by_code = {row["code"]: row for row in rows}
    north, loop = by_code[town["north"].code], by_code[town["loop"].code]
    assert (north["name"], north["name_zh_hans"], north["name_en"]) == ("North gate", "北门", "North gate")
    assert (loop["name_zh_hans"], loop["operator"], loop["operator_zh_hans"], loop["operator_en"]) == (
        "环线健身房", "Lakeside Fitness LLC", "湖畔健身有限公司", "Lakeside Fitness LLC")
    for name in ("north", "loop"):
        site, row = town[name], by_code[town[name].code]
        version = latest(db, site)
        assert float(row["latitude"]) == site.latitude and float(row["longitude"]) == site.longitude
        assert row["city"] == site.city and row["status"] == "active"
        assert datetime.fromisoformat(row["status_since"]) == site.status_changed_at
        assert datetime.fromisoformat(row["first_published_at"]) == version.effective_from
        assert (int(row["notice_version"]), row["notice_sha256"]) == (version.number, version.sha256)
        assert row["notice_url"] == f"{BASE_URL}/n/{site.code}"
    assert loop["jurisdictions"] == "US-IL" and loop["longitude"] == "-87.63"  # a number, never quoted away
    assert loop["retention_period_days"] == str(town["loop"].retention_period_days)


def test_the_csv_takes_the_filters(client, town):
    for query, expected in [("city=chicago", {"loop"}), ("q=北门", {"north"}), ("jurisdiction=US-IL", {"loop"}),
                            ("status=suspended", {"unmapped"}),
                            ("status=all", {"north", "loop", "formula", "unmapped"}),
                            ("bbox=-88,41,-87,42", {"loop"}), ("purpose=payment", set())]:
        response, body = download(client, f"/register.csv?{query}")
        assert response.status_code == 200, query
        codes = [row["code"] for row in csv_rows(body)]
        assert sorted(codes) == sorted(town[name].code for name in expected), query
        assert codes == page_codes(client, query), query
    unmapped = {row["code"]: row for row in csv_rows(download(client, "/register.csv?status=suspended")[1])}
    assert unmapped[town["unmapped"].code]["latitude"] == "" and unmapped[town["unmapped"].code]["status"] == \
        "suspended"


def test_a_cell_that_looks_like_a_formula_is_quoted_in_the_csv_only(client, town):
    rows = {row["code"]: row for row in csv_rows(download(client, "/register.csv")[1])}
    risky = rows[town["formula"].code]
    assert risky["name"] == risky["name_en"] == risky["name_zh_hans"] == "'" + FORMULA_NAME
    assert risky["operator"] == risky["operator_en"] == "'@Risk Security Ltd"
    assert risky["address"] == "'-1 Basement, 5 Example Road, Shanghai"
    for row in rows.values():  # nothing a spreadsheet would run is left in any cell
        assert not [cell for cell in row.values() if cell[:1] in ("=", "+", "@", "\t", "\r")
                    or (cell.startswith("-") and not re.fullmatch(r"-[0-9.]+", cell))], row
    # the JSON and the page keep the name as the operator wrote it
    documents = {item["code"]: item for item in strict_json(download(client, "/register.json")[1])}
    assert documents[town["formula"].code]["name"] == FORMULA_NAME
    assert documents[town["formula"].code]["operator"] == "@Risk Security Ltd"
    page = unescape(client.get("/register?lang=en").get_data(as_text=True))
    assert f">{FORMULA_NAME}<" in page and "'" + FORMULA_NAME not in page


# JSON

def test_the_json_is_a_list_of_the_documented_fields(client, db, town):
    response, body = download(client, "/register.json?status=all")
    assert response.status_code == 200 and response.mimetype == "application/json"
    documents = strict_json(body)
    assert isinstance(documents, list)
    assert [item["code"] for item in documents] == page_codes(client, "status=all")
    assert all(set(item) == JSON_FIELDS for item in documents), [sorted(set(item) ^ JSON_FIELDS) for item in documents]
    by_code = {item["code"]: item for item in documents}
    north, loop = by_code[town["north"].code], by_code[town["loop"].code]
    assert north["names"] == {"zh-Hans": "北门", "en": "North gate"} and north["text_language"] == "en"
    assert loop["operator_names"] == {"zh-Hans": "湖畔健身有限公司", "en": "Lakeside Fitness LLC"}
    assert (loop["latitude"], loop["longitude"]) == (town["loop"].latitude, town["loop"].longitude)
    assert (loop["purpose"], loop["function"], loop["jurisdictions"]) == ("access_control", "verification_1to1",
                                                                          ["US-IL"])
    assert loop["venue_class"] == "business_premises_public_access" and north["live_mode"] == "realtime"
    version = latest(db, town["north"])
    assert (north["notice_version"], north["notice_sha256"]) == (version.number, version.sha256)
    assert north["notice_url"] == f"{BASE_URL}/n/{town['north'].code}"
    assert client.get(north["notice_url"].removeprefix(BASE_URL)).status_code == 200
    unmapped = by_code[town["unmapped"].code]
    assert unmapped["status"] == "suspended" and unmapped["latitude"] is None and unmapped["longitude"] is None
    assert datetime.fromisoformat(unmapped["status_since"]) == town["unmapped"].status_changed_at
    assert town["draft"].code not in by_code


# GeoJSON

def assert_rfc7946(collection: dict) -> None:
    """Check by hand what RFC 7946 asks of a FeatureCollection of Points, beyond what the geojson package checks
    (it accepts a longitude of 200, say)."""
    assert collection["type"] == "FeatureCollection" and isinstance(collection["features"], list)
    assert "crs" not in collection  # §4: no crs member; coordinates are WGS 84
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and "geometry" in feature and "properties" in feature
        assert isinstance(feature.get("id", ""), (str, int))
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            longitude, latitude = geometry["coordinates"]
            assert all(type(value) in (int, float) for value in (longitude, latitude))
            assert -180 <= longitude <= 180 and -90 <= latitude <= 90


def test_the_geojson_is_a_valid_feature_collection_of_longitude_latitude_points(client, town):
    response, body = download(client, "/register.geojson?status=all")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    collection = strict_json(body)
    parsed = geojson.loads(body.decode("utf-8"))
    assert isinstance(parsed, geojson.FeatureCollection) and parsed.is_valid, parsed.errors()
    assert_rfc7946(collection)
    features = {feature["id"]: feature for feature in collection["features"]}
    assert list(features) == page_codes(client, "status=all")
    for name in ("north", "loop", "formula"):
        site = town[name]
        assert features[site.code]["geometry"] == {"type": "Point", "coordinates": [site.longitude, site.latitude]}
    assert features[town["loop"].code]["geometry"]["coordinates"][0] < 0  # west of Greenwich: longitude first
    assert features[town["unmapped"].code]["geometry"] is None  # RFC 7946 §3.2: no coordinates, no geometry
    for code, feature in features.items():
        properties = feature["properties"]
        assert properties["man_made"] == "surveillance" and properties["surveillance:type"] == "camera"
        assert set(properties) >= JSON_FIELDS and properties["code"] == code
    assert features[town["north"].code]["properties"]["operator"] == "Operator 1 Ltd."
    assert features[town["loop"].code]["properties"]["operator"] == "Lakeside Fitness LLC"
    # docs/open-data.md's mapping of the kind of venue to OSM's surveillance and surveillance:zone
    north, loop = features[town["north"].code]["properties"], features[town["loop"].code]["properties"]
    assert (north["surveillance"], north["surveillance:zone"]) == ("public", "town")  # a public place
    assert (loop["surveillance"], loop["surveillance:zone"]) == ("indoor", "shop")  # business premises


def test_the_geojson_takes_the_filters(client, town):
    collection = strict_json(download(client, "/register.geojson?bbox=-88,41,-87,42")[1])
    assert [feature["id"] for feature in collection["features"]] == [town["loop"].code]
    assert geojson.loads(json.dumps(collection)).is_valid


# Empty

def test_an_empty_register_is_an_empty_list_header_and_collection(client, make_site):
    make_site()  # a draft: not listed
    response, body = download(client, "/register.json")
    assert response.status_code == 200 and body == b"[]"
    response, body = download(client, "/register.geojson")
    assert response.status_code == 200
    collection = strict_json(body)
    assert collection == {"type": "FeatureCollection", "features": []}
    assert geojson.loads(body.decode()).is_valid
    assert_rfc7946(collection)
    response, body = download(client, "/register.csv")
    assert response.status_code == 200 and csv_rows(body) == []


# ETags

def test_an_etag_lets_a_cache_revalidate_and_moves_when_a_site_changes(client, db, town, owner, settings):
    tags = {}
    for fmt in ("csv", "json", "geojson"):
        response, body = download(client, f"/register.{fmt}")
        etag = response.headers["ETag"]
        assert re.fullmatch(r'"[^"]+"', etag) and body
        assert response.headers["Cache-Control"].startswith("public")
        assert download(client, f"/register.{fmt}")[0].headers["ETag"] == etag  # the same answer, the same tag
        cached, empty = download(client, f"/register.{fmt}", {"If-None-Match": etag})
        assert cached.status_code == 304 and empty == b"" and cached.headers["ETag"] == etag
        assert download(client, f"/register.{fmt}", {"If-None-Match": f"W/{etag}"})[0].status_code == 304
        tags[fmt] = etag
    assert len(set(tags.values())) == 3  # each format its own tag
    filtered = download(client, "/register.json?city=chicago")[0].headers["ETag"]
    assert filtered != tags["json"]
    assert download(client, "/register.json?city=chicago", {"If-None-Match": tags["json"]})[0].status_code == 200

    update_site(town["north"], {"city": "Suzhou"}, by=owner, now=T0 + timedelta(days=3), settings=settings)
    db.session.commit()
    for fmt in ("csv", "json", "geojson"):
        response, body = download(client, f"/register.{fmt}", {"If-None-Match": tags[fmt]})
        assert response.status_code == 200 and response.headers["ETag"] != tags[fmt], fmt
        assert "Suzhou" in body.decode("utf-8")
        tags[fmt] = response.headers["ETag"]
    change_status(town["loop"], "suspended", reason="works", by=town["loop"].organisation.users[0],
                  now=T0 + timedelta(days=4), settings=settings)
    db.session.commit()
    response, body = download(client, "/register.json", {"If-None-Match": tags["json"]})
    assert response.status_code == 200 and town["loop"].code not in body.decode()


def test_the_etag_moves_when_a_row_changes_whatever_its_refresh_time(client, db, town, owner, settings):
    update_site(town["north"], {"city": "Suzhou"}, by=owner, now=T0 + timedelta(days=5), settings=settings)
    db.session.commit()
    before, body = download(client, "/register.json")
    assert "Ningbo" not in body.decode()
    # another transaction, which took its time before the one above, commits after it
    update_site(town["formula"], {"city": "Ningbo"}, by=town["formula"].organisation.users[0],
                now=T0 + timedelta(days=4), settings=settings)
    db.session.commit()
    after, body = download(client, "/register.json", {"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Ningbo" in body.decode()


# Bad filters

@pytest.mark.parametrize("fmt", ["csv", "json", "geojson"])
def test_a_bad_filter_is_a_problem_document_naming_it(client, db, fmt):
    for query, field in [("bbox=x", "bbox"), ("bbox=0,0,181,1", "bbox"), ("status=nope", "status"),
                         ("sort=random", "sort"), ("purpose=spying", "purpose"), ("jurisdiction=XX", "jurisdiction"),
                         ("colour=red", "colour"), ("limit=5", "limit"), ("cursor=a1", "cursor"),
                         ("q=bell%07", "q"), ("city=" + "x" * 101, "city")]:
        response, body = download(client, f"/register.{fmt}?{query}")
        assert response.status_code == 400, query
        assert response.mimetype == "application/problem+json", query
        problem = strict_json(body)
        assert problem["status"] == 400 and field in problem["errors"], (query, problem)
        assert "ETag" not in response.headers and response.headers["Cache-Control"] == "no-store"


def test_the_page_links_to_downloads_of_the_same_list(client, town):
    html = client.get("/register?lang=en&status=all&sort=newest&jurisdiction=CN").get_data(as_text=True)
    listed = page_codes(client, "status=all&sort=newest&jurisdiction=CN")
    assert len(listed) == 3
    for fmt in ("csv", "json", "geojson"):
        href = re.search(rf'<a href="(/register\.{fmt}[^"]*)"', html).group(1).replace("&amp;", "&")
        response, body = download(client, href)
        assert response.status_code == 200, href
        if fmt == "csv":
            codes = [row["code"] for row in csv_rows(body)]
        elif fmt == "json":
            codes = [item["code"] for item in strict_json(body)]
        else:
            codes = [feature["id"] for feature in strict_json(body)["features"]]
        assert codes == listed, fmt


# Every row, as the API gives it

@pytest.fixture
def awkward(town, publish, make_user, make_org):
    """Beside the town: a name with quotes, commas and a leading formula sign, a time with microseconds, and
    coordinates with every digit a double has."""
    quoting = make_user("owner", organisation=make_org(legal_name='"Quote", Comma & Co'))
    return publish(by=quoting, at=T0 + timedelta(microseconds=123_456), site_name='+Gate "A", east',
                   address='Line 1, "Line 2"', geo={"lat": 31.123456789012345, "lng": 121.98765432109876})


def api_documents(db, sort: str) -> dict[str, str]:
    """Each download of the whole register as the API's documents (entry_document, feature) and csv_cells
    give its rows, in the sort's order."""
    entries = db.session.scalars(select(RegisterEntry).order_by(*queries.SORTS[sort])).all()
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    lines = io.StringIO()
    csv.writer(lines).writerows([opendata.CSV_COLUMNS, *(opendata.csv_cells(entry, BASE_URL) for entry in entries)])
    return {"json": "[" + ",".join(json.dumps(opendata.entry_document(entry, BASE_URL), **compact)
                                   for entry in entries) + "]",
            "geojson": '{"type":"FeatureCollection","features":[' + ",".join(
                json.dumps(opendata.feature(entry, BASE_URL), **compact) for entry in entries) + "]}",
            "csv": "\ufeff" + lines.getvalue()}


@pytest.mark.parametrize("sort", ["name", "city", "newest"])
def test_each_download_is_the_api_documents_row_for_row_across_batches(client, db, awkward, monkeypatch, sort):
    monkeypatch.setattr(queries, "BATCH", 2)  # five rows: three statements, a chunk each
    expected = api_documents(db, sort)
    assert expected["json"].count('"notice_url"') == 5
    for fmt in ("json", "geojson", "csv"):
        response, body = download(client, f"/register.{fmt}?status=all&sort={sort}")
        assert response.status_code == 200
        assert body.decode("utf-8") == expected[fmt], fmt
    assert '"Line 1, ""Line 2"""' in expected["csv"] and "'+Gate" in expected["csv"]
    assert db.session.get(RegisterEntry, awkward.id).status_since.microsecond == 123_456  # isoformat's fraction


def test_rows_without_current_stored_documents_are_written_as_they_stream(client, db, awkward, town, monkeypatch):
    """As between an upgrade that adds or changes the stored documents and housekeeping's rewriting them."""
    monkeypatch.setattr(queries, "BATCH", 2)
    expected = api_documents(db, "name")
    db.session.execute(delete(RegisterDocument).where(RegisterDocument.site_id.in_([awkward.id, town["loop"].id])))
    db.session.execute(update(RegisterDocument).where(RegisterDocument.site_id == town["north"].id)
                       .values(format=opendata.DOCUMENTS_FORMAT - 1, json_text="{}", geojson_text="{}", csv_text=""))
    db.session.commit()
    for fmt in ("json", "geojson", "csv"):
        assert download(client, f"/register.{fmt}?status=all")[1].decode("utf-8") == expected[fmt], fmt
