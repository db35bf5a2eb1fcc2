"""The register's map as the server sends it (README, Map): nothing at all without a tile server, and with
one a hidden map that reads its settings from the page, two scripts from this site, rows that carry their
place, and a policy that adds this site's scripts and that one host's images to the register alone."""
import re
from html.parser import HTMLParser

import pytest

from signage.app import create_app
from signage.config import ConfigurationError, map_tile_origin
from signage.security import CONTENT_SECURITY_POLICY

from helpers import ILLINOIS_GYM

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
MAP_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: "
              "https://tiles.example.org; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text inside each script."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html, self.tags, self.script_texts, self._in_script = html, [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_texts.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [found for name, found in self.tags
                if name == tag and all(found.get(key) == value for key, value in attrs.items())]


@pytest.fixture
def places(publish):
    """Two live deployments, in Shanghai and Chicago (every live site gives its place: rules.required)."""
    return {"north": publish(),
            "loop": publish(**{**ILLINOIS_GYM, "site_name": "Loop gym", "geo": {"lat": 41.88, "lng": -87.63}})}


@pytest.fixture
def map_client(make_app):
    served = make_app(MAP_TILE_URL=TILES, MAP_ATTRIBUTION="© Example tiles", MAP_ATTRIBUTION_URL="https://tiles.example.org/")
    return served.test_client()


def test_without_a_tile_server_the_register_has_no_map_no_script_and_the_usual_policy(client, places):
    response = client.get("/register?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY
    assert "<script" not in html.lower() and 'id="register-map"' not in html and "leaflet" not in html.lower()
    assert "map's images" not in html


def test_with_a_tile_server_the_register_carries_a_hidden_map_and_its_scripts(map_client, places):
    response = map_client.get("/register?lang=en")
    page = Tags(response.get_data(as_text=True))
    assert response.status_code == 200
    [holder] = page.find("div", id="register-map")
    assert "hidden" in holder and holder["role"] == "region"
    assert holder["aria-label"] == "Map of the deployments on this page"
    assert holder["data-tiles"] == TILES and holder["data-bbox"] == ""
    assert holder["data-attribution"] == "© Example tiles"
    assert holder["data-attribution-url"] == "https://tiles.example.org/"
    assert (holder["data-search"], holder["data-zoom-in"], holder["data-zoom-out"], holder["data-close"]) == (
        "Search this area", "Zoom in", "Zoom out", "Close")
    assert holder["data-cluster"] == "{n} deployments here: zoom in to see them"
    assert holder["data-stylesheets"].split() == [
        "/static/leaflet/leaflet.css", "/static/leaflet/markercluster/MarkerCluster.css",
        "/static/leaflet/markercluster/MarkerCluster.Default.css", "/static/register-map.css"]
    scripts = page.find("script")
    assert [script["src"] for script in scripts] == [
        "/static/leaflet/leaflet.min.js", "/static/leaflet/markercluster/leaflet.markercluster.min.js",
        "/static/register-map.js"]
    assert all("defer" in script for script in scripts) and "".join(page.script_texts).strip() == ""
    assert not any("style" in attrs or any(name.startswith("on") for name in attrs) for _tag, attrs in page.tags)
    # the rows carry their place for the map
    rows = {row["data-code"]: row for row in page.find("li", **{"class": "entry"})}
    assert len(rows) == 2
    assert (rows[places["north"].code]["data-lat"], rows[places["north"].code]["data-lng"]) == ("31.23", "121.47")
    assert (rows[places["loop"].code]["data-lat"], rows[places["loop"].code]["data-lng"]) == ("41.88", "-87.63")
    assert "The map's images come from tiles.example.org, which sees your internet address" in page.html


def test_the_map_policy_adds_this_sites_scripts_and_the_tile_host_to_the_register_alone(map_client, places):
    assert map_client.get("/register?lang=en").headers["Content-Security-Policy"] == MAP_POLICY
    assert map_client.get("/register?lang=zh-Hans&bbox=121,31,122,32").headers["Content-Security-Policy"] \
        == MAP_POLICY
    code = places["north"].code
    for url in (f"/n/{code}", f"/n/{code}?lang=zh-Hans", "/register.csv", "/register.geojson",
                "/register?bbox=nowhere", "/static/register-map.js", "/static/leaflet/leaflet.min.js",
                "/auth/login", "/no-such-page"):
        response = map_client.get(url)
        response.close()  # the downloads stream, and the static files are open files
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url


def test_a_refused_filter_shows_the_list_form_without_the_map(map_client, places):
    response = map_client.get("/register?lang=en&bbox=west")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<script" not in html and 'id="register-map"' not in html


def test_the_map_opens_on_the_box_the_page_is_filtered_on(map_client, places):
    page = Tags(map_client.get("/register?lang=zh-Hans&bbox=100,0,-60,60").get_data(as_text=True))
    [holder] = page.find("div", id="register-map")
    assert holder["data-bbox"] == "100,0,-60,60"
    assert {row["data-code"] for row in page.find("li", **{"class": "entry"})} == {places["north"].code,
                                                                                   places["loop"].code}


def test_the_map_files_and_leaflets_licence_are_served_from_this_site(client):
    for path, kind in (("leaflet/leaflet.min.js", "javascript"), ("leaflet/leaflet.css", "text/css"),
                       ("leaflet/images/marker-icon.png", "image/png"),
                       ("leaflet/images/marker-shadow.png", "image/png"),
                       ("leaflet/markercluster/leaflet.markercluster.min.js", "javascript"),
                       ("leaflet/markercluster/MarkerCluster.css", "text/css"),
                       ("leaflet/markercluster/MarkerCluster.Default.css", "text/css"),
                       ("register-map.js", "javascript"), ("register-map.css", "text/css")):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200 and kind in response.content_type, path
        response.close()
    response = client.get("/static/leaflet/LICENSE")
    licence = response.get_data(as_text=True)
    response.close()
    assert "BSD 2-Clause License" in licence and "Vladimir Agafonkin" in licence and "CloudMade" in licence
    response = client.get("/static/leaflet/markercluster/LICENSE")
    licence = response.get_data(as_text=True)
    response.close()
    assert "MIT licence" in licence and "David Leaver" in licence and "Permission is hereby granted" in licence


@pytest.mark.parametrize("template, origin", [
    ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
    ("https://Tiles.Example.org:8443/osm/{z}/{x}/{y}@2x.png?key=abc", "https://tiles.example.org:8443"),
    ("http://127.0.0.1:5092/{z}/{x}/{y}.png", "http://127.0.0.1:5092"),
])
def test_the_policy_names_the_tile_servers_origin(template, origin):
    assert map_tile_origin(template) == origin


@pytest.mark.parametrize("template", [
    "https://{s}.tile.example.org/{z}/{x}/{y}.png",  # a host that varies needs a wildcard: refused
    "https://tiles.example.org/{z}/{x}.png",
    "ftp://tiles.example.org/{z}/{x}/{y}.png",
    "//tiles.example.org/{z}/{x}/{y}.png",
    "https://user@tiles.example.org/{z}/{x}/{y}.png",
    "https://tiles.example.org;script-src *;/{z}/{x}/{y}.png",
    "https://tiles.example.org/{z}/{x}/{y}.png' onerror='x",
    "https://tiles.example.org /{z}/{x}/{y}.png",
    "tiles.example.org/{z}/{x}/{y}.png",
])
def test_a_tile_url_the_policy_could_not_name_exactly_is_refused_at_start(template, app_config):
    with pytest.raises(ConfigurationError, match="SIGNAGE_MAP_TILE_URL"):
        create_app({**app_config, "MAP_TILE_URL": template})


def test_production_refuses_plain_http_tiles_and_a_credit_link_that_is_not_a_web_page(app_config):
    with pytest.raises(ConfigurationError, match="https in production"):
        create_app({**app_config, "ENV": "production", "PUBLIC_BASE_URL": "https://signage.example",
                    "SMTP_HOST": "mail.example", "MAP_TILE_URL": "http://tiles.example.org/{z}/{x}/{y}.png",
                    "MAP_ATTRIBUTION": "© Example"})
    with pytest.raises(ConfigurationError, match="SIGNAGE_MAP_ATTRIBUTION_URL"):
        create_app({**app_config, "MAP_TILE_URL": TILES, "MAP_ATTRIBUTION_URL": "javascript:alert(1)"})


def test_the_settings_come_from_the_environment(monkeypatch, tmp_path):
    from signage.config import environment_overrides
    monkeypatch.setenv("SIGNAGE_MAP_TILE_URL", TILES)
    monkeypatch.setenv("SIGNAGE_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
    monkeypatch.setenv("SIGNAGE_MAP_ATTRIBUTION_URL", "https://www.openstreetmap.org/copyright")
    overrides = environment_overrides(str(tmp_path))
    assert (overrides["MAP_TILE_URL"], overrides["MAP_ATTRIBUTION"], overrides["MAP_ATTRIBUTION_URL"]) == (
        TILES, "© OpenStreetMap contributors", "https://www.openstreetmap.org/copyright")
    monkeypatch.setenv("SIGNAGE_MAP_TILE_URL", "")
    assert "MAP_TILE_URL" not in environment_overrides(str(tmp_path))


def test_the_map_credit_and_names_are_escaped_as_text(make_app, publish):
    publish(site_name='Gate "<b>"')
    served = make_app(MAP_TILE_URL=TILES, MAP_ATTRIBUTION='<img src=x onerror="alert(1)">')
    html = served.test_client().get("/register?lang=en").get_data(as_text=True)
    assert "<img src=x" not in html and 'data-attribution="&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"' in html
    assert not re.search(r"<b>", html)
