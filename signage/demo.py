"""Demo data: one operator with sites in several jurisdictions, for a first look."""
from datetime import date, datetime, timedelta

from sqlalchemy import select

from signage.auth import services as accounts
from signage.consent.channels import open_channel
from signage.consent.services import record_consent, withdraw_consent
from signage.extensions import db
from signage.requests.services import act, file_request
from signage.signs.models import Sign
from signage.signs.services import change_sign_status, issue_sign
from signage.rules.packs import PackSettings
from signage.sites.services import change_status, register_site

DEMO_PASSWORD = "demo-password-2026"
DEMO_OWNER = "owner@demo.signage.example"
PIA_DONE = date(2026, 1, 15)

#: Lin's station, written in Chinese first, with the English beside it.
STATION = {
    "site_name": "人民广场站（2号线）", "address": "上海市黄浦区人民大道120号", "city": "Shanghai",
    "geo": {"lat": 31.2317, "lng": 121.4726}, "jurisdictions": ["CN"],
    "venue_class": "public_place", "capture_area_description": "售票厅、A–F 闸机和站台楼梯。",
    "function": "identification_1toN", "live_mode": "realtime", "operator_kind": "private",
    "purpose": "public_security", "purpose_text": "在车站内发现公安布控名单上的人员。",
    "necessity_justification": "每天客流超过 20 万人次，仅靠车站工作人员无法核对布控名单。",
    "legal_basis_cn": "public_security_art26", "storage_mode": "local_server", "raw_image_retained": False,
    "retention_period_days": 7, "sensitive_trait_analysis": False, "minors_expected": False,
    "security_measures": ["encryption", "audit", "access_control"], "pia_id": "PIA-2026-004",
    "pia_version": "1.0", "pia_completed_on": PIA_DONE, "automated_decisions": False,
    "pia_report_url": "https://demo.signage.example/pia/PIA-2026-004.pdf", "filing": {"status": "not_required"},
    "text_language": "zh-Hans",
    "secondary_uses": [{"use": "刷脸进站", "consent_mode": "separate_consent",
                        "text_translations": {"en": {"use": "Face entry at the gates"}}}],
    "text_translations": {"en": {
        "site_name": "Renmin Square Station, Line 2", "address": "120 Renmin Avenue, Huangpu District, Shanghai",
        "capture_area_description": "Ticket hall, gates A–F and the platform stairs.",
        "purpose_text": "Finding people on the police watch list in the station.",
        "necessity_justification": "Over 200,000 passengers a day; station staff alone cannot check the watch "
                                   "list."}},
}
OFFICE = {
    "site_name": "Berlin office lobby", "address": "Friedrichstraße 68, 10117 Berlin", "city": "Berlin",
    "geo": {"lat": 52.5096, "lng": 13.3889}, "jurisdictions": ["EU"], "venue_class": "internal_workplace",
    "education_setting": False, "capture_area_description": "Turnstiles between the lobby and the lifts.",
    "function": "verification_1to1", "operator_kind": "private", "purpose": "access_control",
    "purpose_text": "Opening the turnstiles for staff who enrolled.",
    "necessity_justification": "Lost badges let strangers into the building; enrolment is voluntary.",
    "non_fr_alternative": "Use your staff badge at any turnstile, or ask reception.",
    "gdpr_art6_basis": "6_1_a", "gdpr_art9_condition": "9_2_a", "storage_mode": "on_device",
    "raw_image_retained": False, "retention_period_days": 3, "sensitive_trait_analysis": False,
    "automated_decisions": False, "pia_id": "DPIA-BER-01", "pia_version": "2", "pia_completed_on": PIA_DONE,
    "pia_report_url": "https://demo.signage.example/pia/DPIA-BER-01.pdf",
    "minors_expected": False,
    "recipients_third_parties": [{
        "name": "Example Security GmbH", "country": "DE", "purpose": "running the turnstiles and reception",
        "for_value": False, "text_translations": {"zh-Hans": {"name": "示例安保有限公司", "purpose": "运营闸机和前台"}}}],
    "text_translations": {"zh-Hans": {
        "site_name": "柏林办公室大堂", "capture_area_description": "大堂与电梯之间的闸机。",
        "purpose_text": "为已登记的员工打开闸机。", "necessity_justification": "丢失的工牌会让陌生人进入大楼；登记完全自愿。",
        "non_fr_alternative": "在任一闸机刷员工卡，或询问前台。"}},
}
NYC_STORE = {
    "site_name": "Fifth Avenue store", "address": "600 Fifth Avenue, New York, NY 10020", "city": "New York",
    "geo": {"lat": 40.7587, "lng": -73.9787}, "jurisdictions": ["US-NYC"],
    "venue_class": "business_premises_public_access", "nyc_establishment_type": "retail_store",
    "customer_entrances": ["Fifth Avenue entrance", "48th Street entrance"],
    "capture_area_description": "Both customer entrances and the sales floor.", "function": "identification_1toN",
    "live_mode": "realtime", "operator_kind": "private", "purpose": "public_security",
    "purpose_text": "Recognising people previously banned for theft or violence.",
    "necessity_justification": "Repeated thefts by banned people; guards cannot remember every face.",
    "storage_mode": "local_server", "raw_image_retained": False, "retention_period_days": 30,
    "sensitive_trait_analysis": False, "recipients_third_parties": [], "automated_decisions": False,
    "text_translations": {"zh-Hans": {
        "site_name": "第五大道门店", "capture_area_description": "两个顾客入口和卖场。",
        "purpose_text": "识别此前因盗窃或暴力被禁止入店的人员。", "necessity_justification": "被禁人员屡次盗窃；保安无法记住每一张脸。"}},
}
#: The station's signs, where they hang in English and in Chinese; New York's entrances keep their labels as
#: written, as NYC-ENTRANCE-SIGNS matches them.
STATION_PLACEMENTS = {"Exit 3 stairs": "3号口楼梯", "Ticket hall east": "站厅东侧"}
REFUSED_DRAFT = {
    "site_name": "Xujiahui Mall atrium", "address": "1 Hongqiao Road, Xuhui District, Shanghai", "city": "Shanghai",
    "geo": {"lat": 31.1950, "lng": 121.4370}, "jurisdictions": ["CN"], "venue_class": "public_place",
    "capture_area_description": "The atrium and the escalators.", "function": "categorisation",
    "operator_kind": "private", "purpose": "marketing_analytics",
    "purpose_text": "Counting shoppers by age group and gender for store planning.",
    "necessity_justification": "Footfall planning.", "legal_basis_cn": "separate_consent",
    "storage_mode": "cloud", "raw_image_retained": False, "retention_period_days": 30,
    "sensitive_trait_analysis": False, "security_measures": ["encryption"],
    "text_translations": {"zh-Hans": {
        "site_name": "徐家汇商场中庭", "capture_area_description": "中庭和自动扶梯。",
        "purpose_text": "按年龄段和性别统计顾客人数，用于门店规划。", "necessity_justification": "客流规划。"}},
}


def seed_demo(*, now: datetime) -> dict:
    """Create the demo organisation, its users and sites; return the owner's login."""
    organisation = accounts.create_organisation({
        "legal_name": "Demo Metro & Retail Group Ltd.", "registration_number": "91310000MA1DEMO01X",
        "address": "88 Century Avenue, Pudong, Shanghai", "contact_email": "privacy@demo.signage.example",
        "contact_phone": "+86 21 5555 0100",
        "dpo_contact": {"name": "Wang Fang", "email": "dpo@demo.signage.example", "phone": "+86 21 5555 0101"},
        "name_translations": {"zh-Hans": {"legal_name": "示范地铁与零售集团有限公司", "address": "上海市浦东新区世纪大道88号",
                                          "dpo_name": "王芳"}},
        "time_zone": "Asia/Shanghai",
    }, by="demo", now=now)
    owner = accounts.create_user(organisation, {"email": DEMO_OWNER, "password": DEMO_PASSWORD, "role": "owner",
                                                "name": "Lin Yue"}, by="demo", now=now)
    for role in ("editor", "auditor"):
        accounts.create_user(organisation, {"email": f"{role}@demo.signage.example", "password": DEMO_PASSWORD,
                                            "role": role, "name": f"Demo {role}"}, by="demo", now=now)
    settings = PackSettings()
    sites = []
    for record, placements in ((STATION, STATION_PLACEMENTS), (OFFICE, {"Lobby turnstiles": "大堂闸机"}),
                               (NYC_STORE, dict.fromkeys(NYC_STORE["customer_entrances"]))):
        site = register_site(organisation, record, by=owner, now=now, settings=settings)
        sites.append(site)
        for placement, chinese in placements.items():
            issue_sign(site, {"placement": placement, "size": "A4", "languages": ["zh-Hans", "en"]
                              if "CN" in record["jurisdictions"] else ["en", "zh-Hans"],
                              "text_translations": {"zh-Hans": {"placement": chinese}} if chinese else None},
                       by=owner, now=now, settings=settings)
        change_status(site, "active", reason="Demo: ready to go live.", by=owner, now=now, settings=settings)
    register_site(organisation, REFUSED_DRAFT, by=owner, now=now, settings=settings)
    _put_up_signs(sites[0], owner, now=now, settings=settings)
    # journey "Lin", step 6: the stored count has crossed the filing threshold, so the filing is on the
    # calendar in China's working days (the change reaches the sites through the housekeeping job)
    accounts.update_organisation(organisation, {"stored_individuals_count": 104_250}, by=owner, now=now,
                                 settings=settings)
    _seed_consents(sites[1], owner, now=now, settings=settings)
    _seed_requests(sites[0], owner, now=now, settings=settings)
    return {"email": DEMO_OWNER, "password": DEMO_PASSWORD}


def _put_up_signs(site, owner, *, now: datetime, settings: PackSettings) -> None:
    """Mark the station's signs installed, so each has its first inspection on the calendar."""
    for sign in db.session.scalars(select(Sign).where(Sign.site_id == site.id).order_by(Sign.id)):
        change_sign_status(sign, "installed", by=owner, now=now, settings=settings)


def _seed_requests(site, owner, *, now: datetime, settings: PackSettings) -> None:
    """File at the station a passer-by's request for their footage (acknowledged) and a report of a sticker
    over a sign's QR code, so the queue and the home page's signs to check show something."""
    sign = db.session.scalar(select(Sign).where(Sign.site_id == site.id).order_by(Sign.id))
    asked, _code = file_request(site, {"category": "rights", "kind": "access", "language": "zh-Hans",
                                       "passed_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT08:30"),
                                       "description": "我昨天早上从东出口经过，想知道是否保存了我的人脸图像。"},
                                now=now, settings=settings, sign=sign)
    act(asked, "acknowledge", {"message": "我们已收到您的请求，正在查找记录。"}, by=owner, now=now, settings=settings)
    file_request(site, {"category": "sign", "kind": "suspected_fake", "language": "en",
                        "description": "A sticker with another QR code is pasted over the sign."},
                 now=now, settings=settings, sign=sign)


#: Berlin staff who answered at the lobby's kiosk: (reference, language, yes to the turnstile, withdrawn since).
DEMO_CONSENTS = (("STAFF-0042", "en", True, False), ("STAFF-0107", "zh-Hans", True, False),
                 ("STAFF-0230", "en", False, False), ("STAFF-0311", "en", True, True))


def _seed_consents(site, owner, *, now: datetime, settings: PackSettings) -> None:
    """Record the Berlin lobby's staff consents, one of them withdrawn with its deletion still owed, and
    offer self-service from the lobby's notice."""
    for reference, language, yes, withdrawn in DEMO_CONSENTS:
        consent, _code = record_consent(site, {
            "subject_ref": reference, "notice_version": None, "language": language, "purposes": {"primary": yes},
            "collection_method": "kiosk", "age_band": "adult", "acted_by": "subject", "expires_at": None},
            by=owner, now=now)
        if withdrawn:
            withdraw_consent(consent, {"channel": "operator", "scope": "all"}, by=owner, now=now, settings=settings)
    open_channel(site, "self_service", "Lobby notice", by=owner, now=now)


#: The demo's sign-ins, one per role, with what each may do: what `flask demo seed` prints.
DEMO_LOGINS = ((DEMO_OWNER, "owner: everything, the organisation and its users included"),
               ("editor@demo.signage.example", "editor: sites and signs"),
               ("auditor@demo.signage.example", "auditor: reads everything, verifies the audit log"))
