"""Each published notice version as JSON-LD in the Data Privacy Vocabulary, linked from its page and
expanded offline by an independent implementation (pyld): the terms an auditor's tools look for are there."""
import re

from pyld import jsonld

from signage.rules.packs import PackSettings
from signage.sites.services import update_site
from helpers import T0

DPV, PD, SCHEMA = "https://w3id.org/dpv#", "https://w3id.org/dpv/pd#", "https://schema.org/"


def expanded(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert "Set-Cookie" not in response.headers
    # no document loader: the context is inline, so expansion fetches nothing
    nodes = jsonld.expand(response.get_json(force=True), {"documentLoader": refuse_to_fetch})
    assert len(nodes) == 1
    return nodes[0]


def refuse_to_fetch(url, options=None):
    raise AssertionError(f"expansion tried to fetch {url}")


def ids(node: dict, term: str) -> set[str]:
    return {value["@id"] for value in node.get(term, []) if "@id" in value}


def test_every_page_links_its_versions_json_ld(client, live_site):
    site, sign = live_site
    for url in (f"/n/{site.code}", f"/S/{sign.serial}", f"/n/{site.code}/v1", f"/n/{site.code}?lang=zh-Hans"):
        page = client.get(url).get_data(as_text=True)
        links = re.findall(r'<link rel="alternate" type="application/ld\+json" href="([^"]+)">', page)
        assert links == [f"/n/{site.code}/v1/notice.jsonld"], url


def test_the_notice_expands_offline_with_the_dpv_terms_for_purpose_basis_data_storage_rights_and_controller(
        client, live_site):
    site, _sign = live_site
    node = expanded(client, f"/n/{site.code}/v1/notice.jsonld")
    assert node["@id"].endswith(f"/n/{site.code}/v1") and DPV + "Process" in node["@type"]
    purposes = node[DPV + "hasPurpose"][0]["@type"]
    assert DPV + "ProtectionOfPublicSecurity" in purposes  # the site's purpose: public security
    assert ids(node, DPV + "hasPersonalData") == {PD + "FacialPrint"}
    assert {DPV + "Collect", DPV + "Store", DPV + "Use"} <= ids(node, DPV + "hasProcessing")
    assert ids(node, DPV + "hasLegalBasis")  # the site's CN basis, as DPV names it
    storage = node[DPV + "hasStorageCondition"][0]
    assert DPV + "StorageDuration" in storage["@type"]
    assert storage["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"][0]["@value"] == \
        f"P{site.retention_period_days}D"
    rights = node[DPV + "hasRight"]
    assert rights and all(DPV + "DataSubjectRight" in right["@type"] for right in rights)
    assert all(right[SCHEMA + "url"][0]["@value"].endswith(f"/n/{site.code}/ask") for right in rights)
    controller = node[DPV + "hasDataController"][0]
    names = {value["@value"] for value in controller[SCHEMA + "name"]}
    assert site.organisation.legal_name in names
    assert node[SCHEMA + "sha256"][0]["@value"] == client.get(f"/n/{site.code}",
                                                              headers={"Accept": "application/json"}
                                                              ).get_json()["version"]["sha256"]


def test_each_version_keeps_its_own_document_and_an_unpublished_one_is_not_found(client, live_site, db, owner):
    site, _sign = live_site
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0, settings=PackSettings(),
                reason="shorter")
    db.session.commit()
    first = expanded(client, f"/n/{site.code}/v1/notice.jsonld")
    second = expanded(client, f"/n/{site.code}/v2/notice.jsonld")
    value = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
    assert second[DPV + "hasStorageCondition"][0][value][0]["@value"] == "P3D"
    assert first[DPV + "hasStorageCondition"][0][value][0]["@value"] != "P3D"
    assert client.get(f"/n/{site.code}/v3/notice.jsonld").status_code == 404
    assert client.get("/n/NOSUCHCODE/v1/notice.jsonld").status_code == 404
