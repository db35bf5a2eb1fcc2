"""The filing dossier's words, as data in Simplified Chinese and English: its titles, its sections and the
filing item each answers, every label, and which allowed values each field takes its labels from. Pure."""

#: The kinds of allowed values the dossier prints, as signage.labels names them.
VALUE_KINDS = ("jurisdictions", "venue_class", "function", "live_mode", "purpose", "storage_mode",
               "internet_transfer_basis", "security_measures", "legal_basis_cn", "gdpr_art6_basis",
               "gdpr_art9_condition", "consent_mode", "filing.status", "status", "sign_status", "consent_state",
               "request_state", "duty_kind", "duty_status")

TITLES = {
    "cn_filing": ("人脸识别技术应用备案材料", "Filing of a facial recognition deployment"),
    "cn_change": ("人脸识别技术应用备案变更材料", "Change to a facial recognition filing"),
    "cn_cancellation": ("人脸识别技术应用注销备案材料", "Cancellation of a facial recognition filing"),
    "evidence": ("合规证据材料", "Compliance evidence file"),
}
#: Each section: its title, and the item of the CN filing it answers (None where it answers none).
SECTIONS = {
    "operator": (("处理者基本情况", "Operator"), ("处理者基本情况", "operator basics")),
    "purpose": (("处理目的和方式", "Purpose and method"), ("处理目的和方式", "purpose and method")),
    "storage": (("存储及安全保护措施", "Storage and security"), ("存储及安全保护措施", "storage and security measures")),
    "count": (("存储人脸信息数量", "People stored"), ("存储人脸信息数量", "number of faces stored")),
    "rules": (("处理规则", "Processing rules"), ("处理规则", "processing rules")),
    "assessment": (("个人信息保护影响评估", "Impact assessment"),
                   ("个人信息保护影响评估报告", "personal information protection impact assessment report")),
    "filing": (("备案情况", "Filing"), None),
    "notice": (("告知文本版本", "Notice versions"), ("处理规则 (secondary)", "processing rules (secondary)")),
    "signs": (("提示标识", "Signs"), None),
    "consents": (("同意记录统计", "Consent records"), None),
    "requests": (("个人请求处理情况", "Requests from people"), None),
    "duties": (("合规日历事项", "Calendar duties"), None),
    "audit": (("审计日志摘录", "Audit log extract"), None),
}
#: Sections a dossier leaves out: the CN count and filing say nothing outside China.
LEFT_OUT = {"evidence": ("count", "filing")}

LABELS = {
    "legal_name": ("法定名称", "Legal name"), "legal_name_zh": ("法定名称（中文）", "Legal name in Chinese"),
    "registration_number": ("统一社会信用代码/注册号", "Registration number"), "address": ("地址", "Address"),
    "contact_email": ("电子邮箱", "E-mail"), "contact_phone": ("电话", "Phone"),
    "dpo_contact": ("个人信息保护负责人", "Data protection officer"),
    "site_name": ("场所名称", "Site name"), "code": ("场所代码", "Site code"), "status": ("状态", "Status"),
    "jurisdictions": ("适用法域", "Jurisdictions"), "city": ("城市", "City"), "venue_class": ("场所类别", "Venue class"),
    "capture_area_description": ("采集区域", "Capture area"), "purpose": ("处理目的", "Purpose"),
    "purpose_text": ("处理目的说明", "Purpose in words"), "necessity_justification": ("必要性说明", "Why it is necessary"),
    "function": ("识别方式", "Function"), "live_mode": ("实时或事后", "Live mode"),
    "storage_mode": ("存储方式", "Storage mode"), "raw_image_retained": ("是否保存原始图像", "Raw images kept"),
    "security_measures": ("安全保护措施", "Security measures"),
    "retention_period_days": ("保存期限（天）", "Retention period (days)"),
    "retention_criteria_text": ("保存期限标准", "Retention criteria"),
    "retention_policy_url": ("保存政策网址", "Retention policy URL"),
    "stored_individuals_count": ("存储人脸信息的人数（全组织）", "People stored, organisation-wide"),
    "count_threshold_reached_on": ("达到10万人之日", "Day the 100,000 threshold was reached"),
    "legal_basis_cn": ("处理依据", "Legal basis (China)"), "gdpr_art6_basis": ("GDPR 第6条依据", "GDPR Art 6 basis"),
    "gdpr_art9_condition": ("GDPR 第9条条件", "GDPR Art 9 condition"),
    "legitimate_interest_text": ("正当利益说明", "Legitimate interest"),
    "secondary_uses": ("其他用途", "Secondary uses"), "recipients_third_parties": ("接收方", "Recipients"),
    "internet_transfer_basis": ("经互联网传输的依据", "Internet transfer basis"),
    "pia_id": ("评估编号", "Assessment id"), "pia_version": ("评估版本", "Assessment version"),
    "pia_completed_on": ("完成日期", "Completed on"), "pia_report_url": ("报告网址", "Report URL"),
    "filing.status": ("备案状态", "Filing status"), "filing.authority": ("备案机关", "Authority"),
    "filing.due_on": ("应备案日期", "Due on"), "filing.filed_on": ("备案日期", "Filed on"),
    "filing.filing_ref": ("备案编号", "Filing reference"),
    "notice.number": ("现行版本", "Current version"), "notice.effective_from": ("生效时间", "Effective from"),
    "notice.sha256": ("SHA-256", "SHA-256"), "number": ("版本", "Version"),
    "effective_from": ("生效时间", "Effective from"), "sha256": ("SHA-256", "SHA-256"),
    "changed_fields": ("变更字段", "Fields changed"),
    "serial": ("编号", "Serial"), "placement": ("位置", "Placement"), "issued_at": ("印发时间", "Issued"),
    "installed_at": ("安装时间", "Installed"),
    "requests.total": ("请求总数", "Requests in all"), "requests.answered_late": ("逾期答复", "Answered late"),
    "kind": ("事项", "Duty"), "due_on": ("到期日", "Due on"), "done_on": ("完成日", "Done on"),
    "done_reference": ("完成凭证", "Reference"),
    "id": ("编号", "Id"), "created_at": ("时间", "Time"), "action": ("操作", "Action"), "hash": ("条目哈希", "Entry hash"),
    "checkpoint.size": ("检查点覆盖条目数", "Entries the checkpoint covers"),
    "checkpoint.signed_at": ("检查点签署时间", "Checkpoint signed at"),
    "checkpoint.note": ("已签名检查点", "Signed checkpoint"),
}
#: Which allowed values each field and column takes its labels from.
VALUE_OF = {"filing.status": "filing.status", "status": "status", "duty.status": "duty_status",
            "kind": "duty_kind", "sign.status": "sign_status", "action": "audit_action",
            **{name: name for name in VALUE_KINDS}}
WORDS = {
    "yes": ("是", "Yes"), "no": ("否", "No"), "none": ("未填写", "Not given"), "more": ("另有 %d 条未列出", "%d more not listed"),
    "no_checkpoint": ("尚未签署检查点", "No checkpoint has been signed yet"), "empty": ("无", "None"),
    "pending": ("（在下一个检查点中）", " (in the next checkpoint)"), "provisional": ("（暂定）", " (provisional)"),
}
