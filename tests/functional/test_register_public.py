"""The public register at /register, as a passer-by, a journalist or an auditor reads it: only sites with a
published notice, live ones by default, each filter and sort, pages that walk the whole list once, both
languages, no cookie and no script, and a bad filter answered 400 naming it."""
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from signage.sites.services import change_status, update_site

from helpers import GYM_SITE, ILLINOIS_GYM, NORTH_GATE_ZH, T0, in_chinese

CHICAGO = {"lat": 41.88, "lng": -87.63}
HANGZHOU = {"lat": 30.27, "lng": 120.15}
LAKESIDE = {"legal_name": "Lakeside Fitness LLC", "name_translations": {"zh-Hans": {"legal_name": "湖畔健身有限公司"}}}
#: The Chinese prose every CN site needs, without a Chinese name: the name is then shown as written.
ZH_PROSE_ONLY = {"zh-Hans": {name: text for name, text in NORTH_GATE_ZH["zh-Hans"].items() if name != "site_name"}}


class RegisterPage(HTMLParser):
    """What a reader sees on a register page: its language, the rows (code, name, status banner, the words
    of the row), the pager's links, the count, and the filter errors."""

    def __init__(self, response):
        super().__init__(convert_charrefs=True)
        self.status_code, self.headers = response.status_code, response.headers
        self.html = response.get_data(as_text=True)
        self.lang, self.rows, self.links, self.errors, self.matching = None, [], {}, [], None
        #: what the filter form holds: each input's value and each select's chosen option
        self.form = {}
        self._row = self._field = self._in_errors = self._select = None
        self.feed(self.html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "input" and attrs.get("name"):
            self.form[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.form[self._select] = attrs["value"]
        elif tag == "li" and "entry" in classes:
            self._row = {"href": None, "name": "", "name_lang": None, "status": None, "banner": "", "text": ""}
        elif tag == "a" and self._row is not None and self._row["href"] is None:
            self._row.update(href=attrs["href"], name_lang=attrs.get("lang"))
            self._field = "name"
        elif tag == "p" and self._row is not None and "banner" in classes:
            self._row["status"] = next(name.removeprefix("banner--") for name in classes if name != "banner")
            self._field = "banner"
        elif tag == "a" and attrs.get("rel") in ("next", "prev"):
            self.links[attrs["rel"]] = attrs["href"]
        elif tag == "p" and "matching" in classes:
            self._field = "matching"
            self.matching = ""
        elif tag == "div" and attrs.get("id") == "filter-errors":
            self._in_errors = True
        elif tag == "li" and self._in_errors:
            self.errors.append("")

    def handle_endtag(self, tag):
        if tag in ("a", "p"):
            self._field = None
        if tag == "li" and self._row is not None:
            self._row["code"] = urlsplit(self._row["href"]).path.removeprefix("/n/").split("/")[0]
            self.rows.append(self._row)
            self._row = None
        if tag == "div":
            self._in_errors = False
        if tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._field == "matching":
            self.matching += data
        if self._row is not None:
            self._row["text"] += data
            if self._field in ("name", "banner"):
                self._row[self._field] += data
        elif self._in_errors and self.errors:
            self.errors[-1] += data

    @property
    def codes(self) -> list[str]:
        return [row["code"] for row in self.rows]


def read(client, query="", headers=None) -> RegisterPage:
    return RegisterPage(client.get(f"/register?{query}" if query else "/register", headers=headers or {}))


@pytest.fixture
def town(publish, make_site, make_org, make_user):
    """Three live deployments whose name, city and date orders all differ, from two operators, and a draft.

    by name: gym, loop, north; by city: loop (Chicago), gym (Hangzhou), north (Shanghai); newest: gym, north, loop.
    """
    lakeside = make_user("owner", organisation=make_org(**LAKESIDE))
    loop = publish(by=lakeside, at=T0, **{
        **ILLINOIS_GYM, "site_name": "Loop fitness turnstile", "geo": CHICAGO,
        "text_translations": {"zh-Hans": {**ILLINOIS_GYM["text_translations"]["zh-Hans"], "site_name": "环线健身房"}}})
    north = publish(at=T0 + timedelta(days=1), text_translations=NORTH_GATE_ZH)
    gym = publish(at=T0 + timedelta(days=2), **{**GYM_SITE, "address": "9 Lake Road, Hangzhou", "city": "Hangzhou",
                                                "geo": HANGZHOU})
    draft = make_site(site_name="Hidden draft depot", text_translations=in_chinese(site_name="隐藏草稿"))
    return {"north": north, "gym": gym, "loop": loop, "draft": draft}


def names_of(town, page: RegisterPage) -> list[str]:
    by_code = {site.code: name for name, site in town.items()}
    return [by_code[code] for code in page.codes]


# What is listed

def test_only_sites_with_a_published_notice_are_listed_and_each_row_opens_its_notice(client, town):
    page = read(client, "lang=en")
    assert page.status_code == 200
    assert sorted(names_of(town, page)) == ["gym", "loop", "north"]
    assert "Hidden draft depot" not in page.html and town["draft"].code not in page.html
    assert page.matching.strip() == "3 deployments match."
    everything = read(client, "lang=en&status=all")
    assert town["draft"].code not in everything.html and len(everything.rows) == 3
    for row in page.rows:
        assert row["href"] == f"/n/{row['code']}/en/"
        notice = client.get(row["href"])
        assert notice.status_code == 200 and row["name"] in notice.get_data(as_text=True)
    north = next(row for row in page.rows if row["code"] == town["north"].code)
    assert north["name"] == "North gate" and north["status"] == "active"
    assert north["banner"] == "In operation since November 3, 2026"
    assert "Operator 1 Ltd." in north["text"] and "1 Example Road, Shanghai" in north["text"]
    assert "Public security" in north["text"] and "China (mainland)" in north["text"]


def test_a_draft_never_appears_even_decommissioned_before_going_live(client, make_site, make_sign, owner, db,
                                                                      settings):
    draft = make_site(site_name="Never live")
    make_sign(draft)
    for status in (None, "all", "decommissioned"):
        page = read(client, urlencode({"lang": "en", **({"status": status} if status else {})}))
        assert page.status_code == 200 and page.rows == [] and "Never live" not in page.html
    change_status(draft, "decommissioned", reason="abandoned", by=owner, now=T0 + timedelta(days=1),
                  settings=settings)
    db.session.commit()
    for status in ("all", "decommissioned"):
        page = read(client, f"lang=en&status={status}")
        assert page.rows == [] and "Never live" not in page.html and draft.code not in page.html


def test_an_empty_register_says_no_deployment_matches(client, db):
    page = read(client, "lang=en")
    assert page.status_code == 200 and page.rows == [] and page.links == {}
    assert page.matching.strip() == "No deployment matches."
    assert read(client, "lang=en&status=all&q=anything").matching.strip() == "No deployment matches."
    chinese = read(client, "lang=zh-Hans")
    assert chinese.status_code == 200 and chinese.rows == [] and chinese.lang == "zh-Hans"


# Status

@pytest.fixture
def lifecycle(publish, db, owner, settings):
    """One site live, one suspended on November 9, one decommissioned on November 10: names in the
    opposite order to their statuses."""
    zoo = publish(site_name="Zoo gate", at=T0)
    market = publish(site_name="Market hall", at=T0)
    airport = publish(site_name="Airport hall", at=T0)
    change_status(market, "suspended", reason="repairs", by=owner, now=T0 + timedelta(days=7), settings=settings)
    change_status(airport, "decommissioned", reason="closed", by=owner, now=T0 + timedelta(days=8),
                  settings=settings)
    db.session.commit()
    return zoo, market, airport


def test_the_default_lists_live_sites_only(client, lifecycle):
    zoo, _market, _airport = lifecycle
    assert read(client, "lang=en").codes == [zoo.code]
    assert read(client, "lang=en&status=active").codes == [zoo.code]


def test_each_status_lists_its_sites_with_the_date(client, lifecycle):
    for status, site, banner, chinese in [
            ("suspended", lifecycle[1], "Suspended since November 9, 2026", "自2026年11月9日起暂停"),
            ("decommissioned", lifecycle[2], "Decommissioned since November 10, 2026", "2026年11月10日")]:
        page = read(client, f"lang=en&status={status}")
        assert page.codes == [site.code], status
        assert page.rows[0]["status"] == status and page.rows[0]["banner"] == banner
        assert page.form["status"] == status
        assert chinese in read(client, f"lang=zh-Hans&status={status}").rows[0]["banner"]


def test_all_statuses_list_live_sites_first_in_every_sort(client, lifecycle):
    zoo, market, airport = lifecycle
    for sort in ("name", "city", "newest"):
        page = read(client, f"lang=en&status=all&sort={sort}")
        assert page.codes == [zoo.code, market.code, airport.code], sort
        assert [row["status"] for row in page.rows] == ["active", "suspended", "decommissioned"]
        assert [row["banner"] for row in page.rows] == ["In operation since November 2, 2026",
                                                        "Suspended since November 9, 2026",
                                                        "Decommissioned since November 10, 2026"]


def test_a_resumed_site_is_live_again_with_the_new_date(client, lifecycle, db, owner, settings):
    zoo, market, _airport = lifecycle
    change_status(market, "active", reason="repaired", by=owner, now=T0 + timedelta(days=9), settings=settings)
    db.session.commit()
    page = read(client, "lang=en")
    assert page.codes == [market.code, zoo.code]  # by name: Market hall, Zoo gate
    assert page.rows[0]["banner"] == "In operation since November 11, 2026"
    assert read(client, "lang=en&status=suspended").rows == []


# Filters

#: (query, the sites it lists): each filter alone, then some together.
FILTER_CASES = [
    ({"q": "north"}, {"north"}),
    ({"q": "NORTH GATE"}, {"north"}),
    ({"q": "lake road"}, {"gym"}),  # the address
    ({"q": "hangzhou"}, {"gym"}),
    ({"q": "example"}, {"north", "loop"}),  # two operators' addresses
    ({"q": "lakeside"}, {"loop"}),  # the operator's name
    ({"q": "operator 1"}, {"north", "gym"}),
    ({"q": "湖畔健身"}, {"loop"}),  # the operator's Chinese name
    ({"q": "健身房"}, {"gym", "loop"}),  # the sites' Chinese names
    ({"q": "北门"}, {"north"}),  # two characters: shorter than a trigram
    ({"q": "门"}, {"north"}),
    ({"q": "Gy"}, {"gym"}),
    ({"q": "%"}, set()),  # LIKE's wildcards are text like any other
    ({"q": "_"}, set()),
    ({"q": '"north'}, set()),
    ({"q": "hidden draft"}, set()),
    ({"city": "shanghai"}, {"north"}),
    ({"city": "HANGZHOU"}, {"gym"}),
    ({"city": "Chicago"}, {"loop"}),
    ({"city": "Hang"}, set()),  # the city exactly, not a prefix
    ({"jurisdiction": "CN"}, {"north", "gym"}),
    ({"jurisdiction": "US-IL"}, {"loop"}),
    ({"jurisdiction": "EU"}, set()),
    ({"purpose": "access_control"}, {"gym", "loop"}),
    ({"purpose": "public_security"}, {"north"}),
    ({"purpose": "payment"}, set()),
    ({"function": "verification_1to1"}, {"gym", "loop"}),
    ({"function": "identification_1toN"}, {"north"}),
    ({"function": "emotion_recognition"}, set()),
    ({"bbox": "121,31,122,32"}, {"north"}),
    ({"bbox": "120,30,122,32"}, {"north", "gym"}),
    ({"bbox": "-88,41,-87,42"}, {"loop"}),
    ({"bbox": "-180,-90,180,90"}, {"north", "gym", "loop"}),
    ({"bbox": "0,0,1,1"}, set()),
    ({"bbox": "121,32,122,31"}, {"north"}),  # the latitudes in either order
    ({"bbox": "100,0,-100,60"}, {"north", "gym"}),  # west east of east: across the antimeridian
    ({"bbox": "120.5,30,-80,45"}, {"north", "loop"}),
    ({"jurisdiction": "CN", "purpose": "access_control"}, {"gym"}),
    ({"city": "shanghai", "purpose": "access_control"}, set()),
    ({"q": "turnstile", "bbox": "100,0,180,90"}, {"gym"}),
]


def test_each_filter_lists_the_matching_sites(client, town):
    counts = {0: "No deployment matches.", 1: "One deployment matches."}
    for query, expected in FILTER_CASES:
        page = read(client, urlencode({"lang": "en", **query}))
        assert page.status_code == 200, (query, page.errors)
        assert sorted(names_of(town, page)) == sorted(expected), query
        assert page.matching.strip() == counts.get(len(expected), f"{len(expected)} deployments match."), query
        # the form shows the filters it holds, and offers to clear them
        shown = {name: page.form.get(name) for name in query}
        assert {**shown, **_box(shown)} == {**query, **_box(query)}, query
        assert "Clear the filters" in page.html


def _box(query: dict) -> dict:
    """The box a bbox names, whichever order its latitudes came in (the form shows them south first)."""
    if "bbox" not in query:
        return {}
    west, south, east, north = (float(part) for part in query["bbox"].split(","))
    return {"bbox": (west, min(south, north), east, max(south, north))}


def test_each_sort_orders_the_list(client, town):
    orders = {"name": ["gym", "loop", "north"], "city": ["loop", "gym", "north"], "newest": ["gym", "north", "loop"]}
    for sort, order in orders.items():
        page = read(client, f"lang=en&sort={sort}")
        assert names_of(town, page) == order, sort
        assert page.form["sort"] == sort
    assert names_of(town, read(client, "lang=en&purpose=access_control&sort=city")) == ["loop", "gym"]
    assert names_of(town, read(client, "lang=en&purpose=access_control&sort=newest")) == ["gym", "loop"]


# Pages

@pytest.fixture
def crowd(town, publish, lifecycle):
    """Eight rows at status=all, two of them alike in every sort key but their id."""
    twins = [publish(site_name="Twin gate", at=T0 + timedelta(days=3)) for _ in range(2)]
    return [*town.values(), *lifecycle, *twins]


def _cursor(href: str) -> str:
    return parse_qs(urlsplit(href).query)["cursor"][0]


def test_pages_of_one_row_walk_the_whole_list_once_forward_and_back(client, crowd):
    for sort in ("name", "city", "newest"):
        _walk(client, sort)


def _walk(client, sort):
    whole = read(client, f"lang=en&status=all&sort={sort}&limit=200")
    assert len(whole.rows) == 8 and whole.links == {}
    base = {"lang": "en", "status": "all", "sort": sort, "limit": 1}
    seen, pages, page = [], [], read(client, urlencode(base))
    assert "prev" not in page.links
    while True:
        assert page.status_code == 200 and len(page.rows) == 1, (sort, seen)
        seen.append(page.codes[0])
        pages.append(page)
        if "next" not in page.links:
            break
        page = read(client, urlencode({**base, "cursor": _cursor(page.links["next"])}))
    assert seen == whole.codes and len(set(seen)) == len(seen) == 8
    back = [page.codes[0]]
    while "prev" in page.links:
        page = read(client, urlencode({**base, "cursor": _cursor(page.links["prev"])}))
        assert len(page.rows) == 1
        back.append(page.codes[0])
    assert back == list(reversed(whole.codes))
    assert "prev" not in page.links and "next" in page.links  # back on the first page
    # a late page, reached through cursors, is the same page whenever it is asked for
    late = pages[5]
    again = read(client, urlencode({**base, "cursor": _cursor(pages[4].links["next"])}))
    assert again.codes == late.codes == [whole.codes[5]]
    two = read(client, urlencode({**base, "limit": 2, "cursor": _cursor(pages[3].links["next"])}))
    assert two.codes == whole.codes[4:6]


def test_the_next_and_prev_links_keep_the_page_size(client, crowd):
    page = read(client, "lang=en&status=all&limit=1")
    seen = []
    while True:
        assert len(page.rows) == 1, (len(seen), len(page.rows))
        seen.append(page.codes[0])
        if "next" not in page.links:
            break
        page = read(client, page.links["next"].split("?", 1)[1])
    assert len(seen) == 8
    page = read(client, page.links["prev"].split("?", 1)[1])
    assert len(page.rows) == 1


def test_the_links_keep_the_filters_sort_and_language(client, crowd):
    page = read(client, "lang=zh-Hans&status=all&sort=city&jurisdiction=CN&limit=1")
    link = urlsplit(page.links["next"])
    query = {name: values[0] for name, values in parse_qs(link.query).items()}
    assert link.path == "/register/zh-Hans/"  # the language chosen is kept in the path, as on notices
    assert query.items() >= {"status": "all", "sort": "city", "jurisdiction": "CN"}.items()
    following = read(client, urlencode({**query, "lang": "zh-Hans", "limit": 1}))
    assert following.status_code == 200 and following.lang == "zh-Hans" and len(following.rows) == 1


def test_numbered_pages_hold_the_live_list_by_name_without_filters(app, client, crowd):
    """The pages a static copy serves (static_export): every row in operation once, in the list's order."""
    app.config["REGISTER_NUMBERED_ROWS"] = 2
    whole = read(client, "lang=zh-Hans&limit=200").codes
    seen, url, number = [], "/register/zh-Hans/page/1/", 1
    while url:
        page = RegisterPage(client.get(url))
        assert page.status_code == 200 and page.lang == "zh-Hans" and len(page.codes) <= 2
        assert 'role="search"' not in page.html and 'href="/register/zh-Hans/"' in page.html  # the live one filters
        assert f'href="/register/page/{number}/en/"' not in page.html  # languages before the page, as its address
        assert f'href="/register/en/page/{number}/"' in page.html
        seen += page.codes
        url, number = page.links.get("next"), number + 1
        assert url in (None, f"/register/zh-Hans/page/{number}/")
    assert seen == whole and len(whole) > 2
    assert client.get(f"/register/page/{number}/").status_code == 404
    assert client.get("/register/page/0/").status_code == 404


def test_a_cursor_continues_after_or_before_the_row_it_names_in_any_sort(client, crowd):
    """A cursor names the row a page ended at (docs/open-data.md): another sort continues from that row's
    place in its own order, and a cursor naming no row gives an empty page."""
    sorts = ("name", "city", "newest")
    wholes = {sort: read(client, f"lang=en&status=all&sort={sort}&limit=200").codes for sort in sorts}
    for made_for in sorts:
        first = read(client, f"lang=en&status=all&sort={made_for}&limit=3")
        after, ended_at = _cursor(first.links["next"]), first.codes[-1]
        for used_with in sorts:
            page = read(client, urlencode({"lang": "en", "status": "all", "sort": used_with, "limit": 200,
                                           "cursor": after}))
            place = wholes[used_with].index(ended_at)
            assert page.status_code == 200 and page.codes == wholes[used_with][place + 1:], (made_for, used_with)
            before = read(client, urlencode({"lang": "en", "status": "all", "sort": used_with, "limit": 200,
                                             "cursor": "b" + after[1:]}))
            assert before.codes == wholes[used_with][:place], (made_for, used_with)
    for cursor in ("a999999", "b999999", "a999999999999999999"):
        nowhere = read(client, f"lang=en&status=all&cursor={cursor}")
        assert nowhere.status_code == 200 and nowhere.rows == [] and nowhere.links == {}, cursor


# Languages

def test_the_reader_chooses_the_language_by_parameter_or_browser(client, town, publish):
    quay = publish(site_name="Quay kiosk", text_translations=ZH_PROSE_ONLY)
    chinese = read(client, "lang=zh-Hans")
    assert chinese.lang == "zh-Hans"
    names = {row["code"]: row for row in chinese.rows}
    assert names[town["north"].code]["name"] == "北门" and names[town["loop"].code]["name"] == "环线健身房"
    assert "湖畔健身有限公司" in names[town["loop"].code]["text"]
    assert names[town["north"].code]["href"] == f"/n/{town['north'].code}/zh-Hans/"
    # a name without a Chinese version keeps its script
    assert names[quay.code]["name"] == "Quay kiosk"
    english = {row["code"]: row for row in read(client, "lang=en").rows}
    assert english[town["north"].code]["name"] == "North gate" and english[quay.code]["name"] == "Quay kiosk"
    assert "Lakeside Fitness LLC" in english[town["loop"].code]["text"]
    by_browser = read(client, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert by_browser.lang == "zh-Hans" and {row["name"] for row in by_browser.rows} >= {"北门", "健身房闸机"}
    assert by_browser.headers["Vary"] == "Accept-Language"
    in_english = read(client, headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert in_english.lang == "en" and "North gate" in {row["name"] for row in in_english.rows}
    # the parameter wins over the browser
    assert read(client, "lang=en", headers={"Accept-Language": "zh-CN"}).lang == "en"


def test_the_language_links_keep_the_filters(client, town):
    page = read(client, "lang=en&jurisdiction=CN&sort=newest")
    link = next(href for href in (urlsplit(link) for link in _hrefs(page.html)) if href.path == "/register/zh-Hans/")
    chinese = read(client, link.query + "&lang=zh-Hans")
    assert chinese.lang == "zh-Hans" and chinese.codes == page.codes == [town["gym"].code, town["north"].code]


def _hrefs(html: str) -> list[str]:
    found = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                found.append(dict(attrs).get("href") or "")
    Links(convert_charrefs=True).feed(html)
    return found


# What every register answer is

def test_no_register_address_sets_a_cookie_and_no_page_runs_a_script(client, auth, town, owner):
    urls = ["/register", "/register?lang=zh-Hans", "/register?q=north&sort=city", "/register?status=nope",
            "/register?cursor=garbage", "/register?limit=1", "/register.csv", "/register.json", "/register.geojson",
            "/register.json?bbox=x"]
    for signed_in in (False, True):
        if signed_in:
            auth.login(owner)
            assert client.get_cookie("session") is not None  # the browser now holds a dashboard session
        for url in urls:
            with client.get(url, headers={} if signed_in else {"Cookie": "session=forged"}) as response:
                body = response.get_data(as_text=True)
            assert response.status_code in (200, 400), url
            assert "Set-Cookie" not in response.headers, url
            assert "Cookie" not in response.headers.get("Vary", ""), url
            assert "default-src 'none'" in response.headers["Content-Security-Policy"], url
            if response.mimetype == "text/html":
                assert "<script" not in body.lower() and not re.search(r"\son[a-z]+=", body), url
                assert "style=" not in body and "<style" not in body, url


def test_a_page_is_cacheable_and_a_refused_one_is_not(client, town):
    assert read(client, "lang=en").headers["Cache-Control"] == "public, max-age=60"
    assert read(client, "lang=en&status=nope").headers["Cache-Control"] == "no-store"


# Bad filters

@pytest.mark.parametrize("query, label", [
    ({"bbox": "x"}, "Map area"),
    ({"bbox": "0,0,181,1"}, "Map area"),
    ({"bbox": "0,-91,1,1"}, "Map area"),
    ({"bbox": "0,0,1,1,2"}, "Map area"),
    ({"bbox": "0,0,1"}, "Map area"),
    ({"status": "nope"}, "Status"),
    ({"sort": "random"}, "Order"),
    ({"purpose": "spying"}, "Purpose"),
    ({"function": "mind_reading"}, "What the system does"),
    ({"jurisdiction": "XX"}, "Jurisdiction"),
    ({"colour": "red"}, "colour"),  # an unknown parameter is named as sent
    ({"cursor": "garbage"}, "Page"),
    ({"cursor": "a!!"}, "Page"),
    ({"cursor": "aAAAA"}, "Page"),
    ({"cursor": "a01"}, "Page"),
    ({"cursor": "c1"}, "Page"),
    ({"cursor": "a-1"}, "Page"),
    ({"cursor": "a" + "9" * 19}, "Page"),
    ({"limit": "0"}, "Rows per page"),
    ({"limit": "201"}, "Rows per page"),
    ({"limit": "ten"}, "Rows per page"),
    ({"q": "x" * 101}, "Search"),
    ({"q": "bell\x07"}, "Search"),
    ({"city": "\u202eiahgnahs"}, "City"),
])
def test_a_bad_filter_is_answered_400_naming_it(client, db, query, label):
    page = read(client, urlencode({"lang": "en", **query}))
    assert page.status_code == 400, query
    assert page.rows == [] and page.links == {}
    assert [error for error in page.errors if error.startswith(f"{label}: ")], (query, page.errors)
    assert page.matching.strip() == "This list cannot be shown: a filter is wrong."
    assert "Set-Cookie" not in page.headers


def test_a_refused_page_keeps_the_text_the_reader_typed_and_lists_nothing(client, publish):
    publish(text_translations=NORTH_GATE_ZH)
    assert len(read(client, "lang=en&q=north&city=Shanghai").rows) == 1
    page = read(client, urlencode({"lang": "en", "q": "north", "city": "Shanghai", "status": "nope"}))
    assert page.status_code == 400 and page.rows == [] and page.form["q"] == "north"
    assert 'name="q" type="search" value="north"' in page.html and 'name="city" value="Shanghai"' in page.html


def test_a_precise_map_area_is_kept_by_the_form_and_the_download_links(client, publish):
    site = publish(text_translations=NORTH_GATE_ZH)  # at longitude 121.47
    page = read(client, "lang=en&bbox=121.470001,31,122,32")  # just east of it
    assert page.codes == []
    with client.get(next(href for href in _hrefs(page.html) if href.startswith("/register.csv"))) as download:
        assert site.code not in download.get_data(as_text=True)
    assert _box({"bbox": page.form["bbox"]}) == _box({"bbox": "121.470001,31,122,32"})


# Changes show

def test_a_change_of_city_shows_in_the_register(client, publish, db, owner, settings):
    site = publish(text_translations=NORTH_GATE_ZH)
    assert read(client, "lang=en&city=shanghai").codes == [site.code]
    update_site(site, {"city": "Suzhou"}, by=owner, now=T0 + timedelta(days=1), settings=settings)
    db.session.commit()
    assert read(client, "lang=en&city=shanghai").codes == []
    moved = read(client, "lang=en&city=suzhou")
    assert moved.codes == [site.code] and "Suzhou" in moved.rows[0]["text"]
    assert read(client, "lang=en&q=suzhou").codes == [site.code]


def test_a_new_notice_version_shows_the_new_name(client, publish, db, owner, settings):
    site = publish(text_translations=NORTH_GATE_ZH)
    update_site(site, {"site_name": "Harbour entrance"}, by=owner, now=T0 + timedelta(days=1), settings=settings)
    db.session.commit()
    page = read(client, "lang=en")
    assert [row["name"] for row in page.rows] == ["Harbour entrance"] and "North gate" not in page.html
    assert read(client, "lang=en&q=harbour").codes == [site.code]
    assert read(client, "lang=en&q=north gate").codes == []
    assert read(client, "lang=zh-Hans").rows[0]["name"] == "北门"  # its Chinese name was kept
    notice = client.get(page.rows[0]["href"]).get_data(as_text=True)
    assert "Harbour entrance" in notice


def test_a_change_of_place_on_a_suspended_site_shows_too(client, publish, db, owner, settings):
    site = publish(text_translations=NORTH_GATE_ZH)
    change_status(site, "suspended", reason="works", by=owner, now=T0 + timedelta(days=1), settings=settings)
    update_site(site, {"city": "Ningbo", "geo": {"lat": 29.87, "lng": 121.55}}, by=owner,
                now=T0 + timedelta(days=2), settings=settings)
    db.session.commit()
    assert read(client, "lang=en&status=suspended&city=ningbo").codes == [site.code]
    assert read(client, "lang=en&status=suspended&bbox=121.5,29.8,121.6,29.9").codes == [site.code]
    assert read(client, "lang=en&status=suspended&bbox=121,31,122,32").codes == []
