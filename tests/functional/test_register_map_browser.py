"""The register's map in a real Chromium (README, Map): drawn from our own Leaflet with tiles from the one
host set up, a marker per row, a popup that opens each notice, a button that searches the map's view, no
policy complaint and axe-clean; and the list whole without scripts, without tiles and without a tile server."""
import socket
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.serving import make_server

from helpers import GYM_SITE, ILLINOIS_GYM
from test_notice_browser import axe_violations

pytestmark = pytest.mark.browser
PHONE, DESK = {"width": 360, "height": 740}, {"width": 1280, "height": 900}


def tile_png() -> bytes:
    """A 256×256 grey PNG with a darker edge, so the tiles' grid shows in a screenshot."""
    edge, inside = b"\x00" + b"\xa0" * 256, b"\x00\xa0\xa0" + b"\xe4" * 254
    raw = edge * 2 + inside * 254

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 256, 256, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def tile_server():
    """A tile server on another port of 127.0.0.1: a PNG for any /z/x/y.png, each path it was asked for kept."""
    asked, body = [], tile_png()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()
    server.server_close()
    thread.join()


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def serve_with_tiles(make_app):
    """Serve the app from a thread with its map's tiles at a given base URL; return the app's base URL."""
    running = []

    def start(tiles_base: str) -> str:
        server, thread = serve(make_app(WTF_CSRF_ENABLED=True, MAP_TILE_URL=tiles_base + "/{z}/{x}/{y}.png",
                                        MAP_ATTRIBUTION="© Test tiles"))
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"
    yield start
    for server, thread in running:
        server.shutdown()
        thread.join()


@pytest.fixture
def places(publish):
    """Three live deployments: Shanghai, Hangzhou (both in a box around them) and Chicago."""
    return {"north": publish(),
            "gym": publish(**{**GYM_SITE, "address": "9 Lake Road, Hangzhou", "city": "Hangzhou",
                              "geo": {"lat": 30.27, "lng": 120.15}}),
            "loop": publish(**{**ILLINOIS_GYM, "site_name": "Loop gym", "geo": {"lat": 41.88, "lng": -87.63}})}


def open_page(browser, url: str, *, viewport=DESK, locale="en-US", scripts=True):
    """Open url; return the page, its context, the response, every request URL and the page's complaints
    (policy violations and script errors)."""
    context = browser.new_context(viewport=viewport, locale=locale, java_script_enabled=scripts)
    page = context.new_page()
    requests, complaints = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: complaints.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: complaints.append(f"script error: {error}"))
    response = page.goto(url)
    return page, context, response, requests, complaints


def wait_for_map(page):
    page.wait_for_selector("#register-map[data-markers]")
    page.wait_for_load_state("load")


def shown(page) -> int:
    """The deployments the map shows: one for each lone marker, and each gathering's number."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.leaflet-marker-icon')).reduce(
        (sum, icon) => sum + (icon.classList.contains('marker-cluster') ? Number(icon.textContent) : 1), 0)""")


def until(page, condition, *, seconds: float = 5.0) -> None:
    """Wait for condition() (Leaflet's fades and zooms are animated); the page's policy forbids the string
    evaluation wait_for_function needs."""
    for _ in range(int(seconds * 20)):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page did not settle")


def inside(inner: dict, outer: dict) -> bool:
    return (outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
            and outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"])


@pytest.mark.parametrize("viewport, locale, lang", [(PHONE, "zh-CN", "zh-Hans"), (DESK, "en-US", "en")])
def test_the_map_draws_a_marker_per_row_with_tiles_from_the_one_host_set_up(browser, tile_server, serve_with_tiles,
                                                                             places, viewport, locale, lang):
    tiles, asked = tile_server
    base = serve_with_tiles(tiles)
    page, context, response, requests, complaints = open_page(browser, f"{base}/register?lang={lang}",
                                                              viewport=viewport, locale=locale)
    try:
        wait_for_map(page)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy and f"img-src 'self' data: {tiles};" in policy
        assert page.locator("#register-map").is_visible()
        rows = page.locator("li.entry[data-lat][data-lng]").count()
        assert rows == page.locator("li.entry").count() == 3
        assert shown(page) == rows and page.get_attribute("#register-map", "data-markers") == "3"
        # Shanghai and Hangzhou, 170 km apart, would overlap on a map that holds Chicago too: one gathering
        assert page.locator(".marker-cluster").count() == 1 and page.locator(".marker-cluster").inner_text() == "2"
        page.wait_for_selector(".leaflet-tile-loaded")
        assert asked and all(path.endswith(".png") for path in asked)
        assert requests and all(url.startswith((base + "/", tiles + "/")) for url in requests), requests
        assert "© Test tiles" in page.locator(".leaflet-control-attribution").inner_text()
        assert context.cookies() == [] and complaints == []
        assert axe_violations(page) is None, axe_violations(page)
    finally:
        context.close()


def test_a_marker_opens_a_popup_that_links_its_notice(browser, tile_server, serve_with_tiles, places):
    base = serve_with_tiles(tile_server[0])
    page, context, _response, _requests, complaints = open_page(browser, f"{base}/register?lang=en")
    try:
        wait_for_map(page)
        page.get_by_role("button", name="Loop gym").click()
        until(page, lambda: page.locator(".leaflet-popup").evaluate("e => getComputedStyle(e).opacity") == "1")
        link = page.locator(".leaflet-popup-content a")
        assert link.inner_text() == "Loop gym" and link.get_attribute("href") == f"/n/{places['loop'].code}/en/"
        assert "In operation since" in page.locator(".leaflet-popup-content").inner_text()
        assert page.get_attribute(".leaflet-popup-close-button", "aria-label") == "Close"
        assert axe_violations(page) is None, axe_violations(page)
        link.click()
        page.wait_for_load_state()
        assert page.url == f"{base}/n/{places['loop'].code}/en/" and "Loop gym" in page.locator("h1").inner_text()
        assert complaints == []
    finally:
        context.close()


def test_a_gathering_is_a_named_button_that_zooms_in_on_its_deployments(browser, tile_server, serve_with_tiles,
                                                                       places):
    base = serve_with_tiles(tile_server[0])
    page, context, _response, _requests, complaints = open_page(browser, f"{base}/register?lang=en")
    try:
        wait_for_map(page)
        gathering = page.get_by_role("button", name="2 deployments here: zoom in to see them")
        gathering.focus()
        page.keyboard.press("Enter")  # from the keyboard, as a mouse would click it
        page.get_by_role("button", name="North gate").wait_for()
        page.get_by_role("button", name="Gym turnstile").wait_for()
        until(page, lambda: page.locator(".marker-cluster").count() == 0)  # once it has faded out
        canvas = page.locator(".register-map-canvas").bounding_box()
        for name in ("North gate", "Gym turnstile"):
            assert inside(page.get_by_role("button", name=name).bounding_box(), canvas)
        assert complaints == [] and axe_violations(page) is None, axe_violations(page)
    finally:
        context.close()


def test_search_this_area_lists_what_the_map_shows_and_the_map_opens_on_the_box(browser, tile_server,
                                                                                serve_with_tiles, places):
    base = serve_with_tiles(tile_server[0])
    page, context, _response, _requests, complaints = open_page(browser, f"{base}/register?lang=en&bbox=119,29,122,32")
    try:
        wait_for_map(page)
        # the map opens on the page's box: both its markers inside the map, Chicago not on the page
        assert page.locator("li.entry").count() == page.locator(".leaflet-marker-icon").count() == 2
        canvas = page.locator(".register-map-canvas").bounding_box()
        for marker in page.locator(".leaflet-marker-icon").all():
            assert inside(marker.bounding_box(), canvas)
        page.locator(".leaflet-control-zoom-out").click()
        page.wait_for_timeout(400)  # Leaflet's zoom animation
        page.get_by_role("button", name="Search this area").click()
        page.wait_for_load_state()
        query = parse_qs(urlsplit(page.url).query)
        west, south, east, north = (float(part) for part in query["bbox"][0].split(","))
        assert west < 119 and south < 29 and east > 122 and north > 32 and east - west < 90
        assert page.input_value("#f-bbox") == query["bbox"][0] and query["lang"] == ["en"]
        codes = {page.get_attribute(f"li.entry >> nth={index}", "data-code") for index in range(2)}
        assert page.locator("li.entry").count() == 2 and codes == {places["north"].code, places["gym"].code}
        wait_for_map(page)
        assert complaints == []
    finally:
        context.close()


def test_without_scripts_the_list_and_its_filters_work_and_no_tile_is_asked_for(browser, tile_server,
                                                                                serve_with_tiles, places):
    tiles, asked = tile_server
    base = serve_with_tiles(tiles)
    page, context, _response, requests, _complaints = open_page(browser, f"{base}/register?lang=en", scripts=False)
    try:
        assert page.locator("li.entry").count() == 3 and not page.locator("#register-map").is_visible()
        page.fill("#f-city", "Chicago")
        page.get_by_role("button", name="Show").click()
        page.wait_for_load_state()
        assert page.locator("li.entry").count() == 1 and "Loop gym" in page.locator("li.entry").inner_text()
        page.fill("#f-city", "")
        page.fill("#f-bbox", "119,29,122,32")
        page.get_by_role("button", name="Show").click()
        page.wait_for_load_state()
        assert page.locator("li.entry").count() == 2
        # (axe needs scripts; the same page with them is checked above)
        assert asked == [] and not any(url.endswith((".js", ".css")) and "notice.css" not in url for url in requests)
    finally:
        context.close()


def test_when_no_tile_loads_the_markers_and_the_list_still_work(browser, serve_with_tiles, places):
    with socket.socket() as probe:  # a port nobody listens on: every tile fails
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    base = serve_with_tiles(dead)
    page, context, _response, _requests, complaints = open_page(browser, f"{base}/register?lang=en")
    try:
        wait_for_map(page)
        assert shown(page) == page.locator("li.entry").count() == 3
        assert page.locator(".leaflet-tile-loaded").count() == 0 and complaints == []
        page.get_by_role("link", name="Loop gym").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/n/{places['loop'].code}/en/")
    finally:
        context.close()


def test_without_a_tile_server_the_register_runs_no_script(browser, live_server, places):
    page, context, response, requests, complaints = open_page(browser, f"{live_server}/register?lang=en")
    try:
        assert "script-src" not in response.headers["content-security-policy"]
        assert page.evaluate("document.scripts.length") == 0 and page.locator("#register-map").count() == 0
        assert page.locator("li.entry").count() == 3 and complaints == []
        assert all(url.startswith(live_server + "/") and "leaflet" not in url for url in requests)
    finally:
        context.close()
