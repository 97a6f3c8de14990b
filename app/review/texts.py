"""The review's words in Chinese (the default) and English: anomaly explanations and report labels.

These are domain texts (they go into the PDF and the command line's JSON, which run without Qt); the
screens translate their own widgets through Qt's catalogues and show these explanations as given.
"""

from __future__ import annotations

import functools
from typing import Any

from app.beijing_time import shown_time
from app.catalogue.catalogue import load_catalogue
from app.store.findings import Finding

LANGUAGES = ("zh_CN", "en")

_EXPLANATIONS: dict[str, dict[str, str]] = {
    "off_hours": {
        "zh_CN": "{subject} 在营业时间（{opens}–{closes}）以外有 {count} 项操作，最早在 {first}。"
        "请核实是否有正当理由。",
        "en": "{subject} did {count} actions outside office hours ({opens}-{closes}), the first at {first}. "
        "Check there was a reason to work then.",
    },
    "data_fishing": {
        "zh_CN": "{subject} 有 {count} 次查询或扫码在前后 {minutes} 分钟内没有对应的办件（上限 {limit}）。"
        "这可能是在无业务需要的情况下查看群众信息。",
        "en": "{subject} made {count} lookups or scans that belong to no case within {minutes} minutes "
        "(limit {limit}). This may be browsing citizens' data without a case to serve.",
    },
    "failed_logins": {
        "zh_CN": "账户 {subject} 登录失败 {count} 次（上限 {limit}），被拒绝登录 {refused} 次。可能有人在猜测密码。",
        "en": "Account {subject} failed to log in {count} times (limit {limit}) and was refused {refused} times. "
        "Someone may be guessing its password.",
    },
    "refused_then_accepted": {
        "zh_CN": "同一持证人的证照（{subject}）在 {refused_at} 被 {refused_by} 判定为 {status}，"
        "随后在 {accepted_at} 被 {accepted_by} 判定为有效。请核实第二次查验是否正确。",
        "en": "A certificate of the same holder ({subject}) was refused as {status} by {refused_by} at "
        "{refused_at}, then accepted as valid by {accepted_by} at {accepted_at}. Check the second verdict.",
    },
    "unassigned_move": {
        "zh_CN": "办件 {case} 由 {clerk} 办理了“{step}”步骤，但该办件由 {assigned} 受理，{clerk} 并未被指派。",
        "en": "Case {case} was moved ({step}) by {clerk}, who is not assigned to it; {assigned} opened it.",
    },
    "outbox_stuck": {
        "zh_CN": "发往 {subject} 的 {count} 条账本记录等待超过 {minutes} 分钟（仍有 {pending} 条未确认）。"
        "请检查网络连接与同步。",
        "en": "{count} ledger entries for {subject} waited more than {minutes} minutes ({pending} still "
        "unacknowledged). Check the network link and sync.",
    },
    "replica_alarm": {
        "zh_CN": "本地副本校验失败或出现分叉告警：{problem}。在查明原因前不要信任受影响的账本。",
        "en": "The replica failed a verification or raised a fork alarm: {problem}. Do not trust the "
        "affected log until the cause is found.",
    },
    "after_signoff": {
        "zh_CN": "{subject} 已由 {signed_by} 于 {signed_at} 签署，此后当日仍记录了 {count} 项操作（最早在 {first}；"
        "{accounts}）。签署不包含这些操作，请逐项核实。",
        "en": "{subject} was signed off by {signed_by} at {signed_at}; {count} actions were recorded on that day "
        "after it (the first at {first}; {accounts}). The sign-off does not cover them: check them.",
    },
    "audit_chain_break": {
        "zh_CN": "审计链断裂：{problem}。审计记录在写入后被修改或删除。",
        "en": "The audit chain is broken: {problem}. An audit record was changed or removed after it was written.",
    },
}

# The integrity panel's findings (app.store.findings.Finding codes), in the reader's language.
_PROBLEMS: dict[str, dict[str, str]] = {
    "checkpoint_unreadable": {
        "zh_CN": "日志 {origin} 大小为 {size} 的检查点无法读取。",
        "en": "The checkpoint of {origin} at size {size} cannot be read.",
    },
    "checkpoint_mismatch": {
        "zh_CN": "日志 {origin} 大小为 {size} 的检查点与其签名内容不符。",
        "en": "The checkpoint of {origin} at size {size} does not match its signed note.",
    },
    "log_untrusted": {
        "zh_CN": "日志 {origin} 已不再受信任（分叉告警尚未解除）。",
        "en": "The log {origin} is no longer trusted (a fork alarm is not cleared).",
    },
    "entry_changed": {
        "zh_CN": "账本记录 {entry} 的内容已被改动，与其标识不再相符。",
        "en": "Ledger entry {entry} was changed: it no longer hashes to its identity.",
    },
    "proof_unreadable": {
        "zh_CN": "账本记录 {entry} 的收录证明无法读取。",
        "en": "The inclusion proof of ledger entry {entry} cannot be read.",
    },
    "proof_not_verified": {
        "zh_CN": "账本记录 {entry}（{origin} 第 {index} 号）的收录证明无法用本机保存的任何检查点验证。",
        "en": "The inclusion proof of ledger entry {entry} (index {index} of {origin}) does not verify against any "
        "checkpoint this replica holds.",
    },
    "signoff_unreadable": {
        "zh_CN": "第 {seq} 条签署审计记录无法读取。",
        "en": "Sign-off audit record {seq} cannot be read.",
    },
    "signoff_missing": {
        "zh_CN": "{day} 的签署账本记录缺失。",
        "en": "The sign-off entry of {day} is missing.",
    },
    "signoff_invalid": {
        "zh_CN": "{day} 的签署账本记录无效。",
        "en": "The sign-off entry of {day} is invalid.",
    },
    "signoff_bad_signature": {
        "zh_CN": "{day} 的签署签名验证未通过。",
        "en": "The sign-off of {day} does not verify.",
    },
    "signoff_trail_changed": {
        "zh_CN": "{day} 签署时的审计记录已被改动：第 {seq} 条记录已不是签署时的链头。",
        "en": "The audit trail signed off on {day} was changed: record {seq} no longer has the signed chain head.",
    },
    "signoff_entries_changed": {
        "zh_CN": "{day} 的账本记录在签署后被改动（现有 {now} 条，签署时 {signed} 条，或内容不同）。",
        "en": "The ledger entries of {day} were changed after the sign-off ({now} now, {signed} signed, or their "
        "content differs).",
    },
    "signoff_no_counts": {
        "zh_CN": "{day} 的签署缺少记录计数。",
        "en": "The sign-off of {day} lacks its entry counts.",
    },
    "anchor_cut": {
        "zh_CN": "本地审计记录止于第 {head} 条，但部门日志中有 {when} 锚定的 {count} 条记录：有记录被删除，"
        "或恢复了旧的窗口副本。",
        "en": "The local audit trail ends at record {head}, but the department log holds an anchor of {count} "
        "records made {when}: records were removed, or an older copy of the office was restored.",
    },
    "anchor_rewritten": {
        "zh_CN": "第 {count} 条审计记录与 {when} 锚定在部门日志上的不同：本地审计记录被改写。",
        "en": "Audit record {count} differs from the one anchored on the department log at {when}: the local audit "
        "trail was rewritten.",
    },
    "audit_record_missing": {
        "zh_CN": "第 {seq} 条审计记录缺失。",
        "en": "Audit record {seq} is missing.",
    },
    "audit_record_altered": {
        "zh_CN": "第 {seq} 条审计记录（{account} 的“{action}”）被改动。",
        "en": "Audit record {seq} ({action} by {account}) was altered.",
    },
}


def problem_text(problem: str, language: str) -> str:
    """An integrity finding in `language` (its code worded with its parameters); a plain text is shown as it is."""
    templates = _PROBLEMS.get(getattr(problem, "code", ""))
    if not isinstance(problem, Finding) or templates is None:
        return str(problem)
    params: dict[str, str] = dict(problem.params)
    try:
        if "when_ms" in params:
            params["when"] = shown_time(int(params.pop("when_ms")), language)
        if "action" in params:
            params["action"] = action_name(params["action"], language)
        return templates.get(language, templates["zh_CN"]).format(**params)
    except (KeyError, IndexError, ValueError, OverflowError, OSError):
        return str(problem)  # parameters it cannot word: the English sentence, never a crash


LABELS: dict[str, dict[str, str]] = {
    "title": {"zh_CN": "每日审核报告", "en": "Daily review report"},
    "office": {"zh_CN": "办事处", "en": "Office"},
    "day": {"zh_CN": "日期", "en": "Day"},
    "generated": {"zh_CN": "生成时间", "en": "Generated"},
    "figures": {"zh_CN": "当日概况", "en": "The day at a glance"},
    "by_clerk": {"zh_CN": "按工作人员", "en": "Per clerk"},
    "by_service": {"zh_CN": "按服务事项", "en": "Per service"},
    "compare": {"zh_CN": "与本周、本月日均比较", "en": "Compared with the week and month (per day)"},
    "hourly": {"zh_CN": "各服务每小时业务量", "en": "Hourly load per service"},
    "verdict_mix": {"zh_CN": "查验结果分布", "en": "Verdict mix"},
    "anomalies": {"zh_CN": "异常", "en": "Anomalies"},
    "no_anomalies": {"zh_CN": "未发现异常。", "en": "No anomaly found."},
    "acknowledgement": {"zh_CN": "确认意见", "en": "Acknowledgement"},
    "integrity": {"zh_CN": "完整性", "en": "Integrity"},
    "signature": {"zh_CN": "签署", "en": "Sign-off"},
    "not_signed": {"zh_CN": "本日尚未签署。", "en": "This day has not been signed off."},
    "signed_by": {"zh_CN": "签署人", "en": "Signed by"},
    "signed_at": {"zh_CN": "签署时间", "en": "Signed at"},
    "entry": {"zh_CN": "账本记录", "en": "Ledger entry"},
    "audit_head": {"zh_CN": "审计链头", "en": "Audit-chain head"},
    "name": {"zh_CN": "名称", "en": "Name"},
    "actions": {"zh_CN": "操作", "en": "Actions"},
    "opened": {"zh_CN": "受理", "en": "Opened"},
    "advanced": {"zh_CN": "推进", "en": "Advanced"},
    "closed": {"zh_CN": "办结", "en": "Closed"},
    "rejected": {"zh_CN": "驳回", "en": "Rejected"},
    "median": {"zh_CN": "中位时长(分)", "en": "Median (min)"},
    "p90": {"zh_CN": "90%时长(分)", "en": "P90 (min)"},
    "verdicts": {"zh_CN": "查验", "en": "Verdicts"},
    "refusals": {"zh_CN": "节点拒绝", "en": "Refusals"},
    "offline": {"zh_CN": "离线(分)", "en": "Offline (min)"},
    "pending": {"zh_CN": "待发送", "en": "Outbox"},
    "set_aside": {"zh_CN": "已搁置", "en": "Set aside"},
    "no_service": {"zh_CN": "无具体事项", "en": "No service"},
    "offline_note": {
        "zh_CN": "离线(分)：当日营业时间内本机与所有部门节点都联系不上的分钟数（此时仍可离线办理）。",
        "en": "Offline (min): minutes of office hours in which no department node could be reached (work went on "
        "offline).",
    },
    "period_day": {"zh_CN": "当日", "en": "Day"},
    "period_week": {"zh_CN": "近7日日均", "en": "Week, per day"},
    "period_month": {"zh_CN": "本月日均", "en": "Month, per day"},
    "chain_ok": {"zh_CN": "审计链完整（共 {n} 条记录）", "en": "Audit chain intact ({n} records)"},
    "chain_bad": {"zh_CN": "审计链断裂：{problem}", "en": "Audit chain broken: {problem}"},
    "entries_state": {
        "zh_CN": "当日账本记录：已收录 {included} 条（含收录证明），待收录 {pending} 条",
        "en": "Entries of the day: {included} included (with inclusion proofs), {pending} pending",
    },
    "checkpoints_ok": {"zh_CN": "检查点一致（{n} 个）", "en": "Checkpoints consistent ({n})"},
}


def explain(kind: str, language: str, **facts: Any) -> str:
    """Return the plain-language explanation of an anomaly kind, filled with its facts."""
    templates = _EXPLANATIONS.get(kind)
    if templates is None:
        return f"{kind}: {facts}"
    template = templates.get(language, templates["zh_CN"])
    facts = {
        name: problem_text(value, language) if isinstance(value, Finding) else value for name, value in facts.items()
    }
    try:
        return template.format(**facts)
    except (KeyError, IndexError):
        return f"{template} {facts}"


def label(name: str, language: str, **values: Any) -> str:
    """Return a report label in `language` (Chinese if the language is unknown)."""
    texts = LABELS[name]
    return texts.get(language, texts["zh_CN"]).format(**values)


# What the timeline, the CSV and the PDF call each action, result and source (the raw codes stay in the JSON).
ACTION_NAMES: dict[str, tuple[str, str]] = {
    "account.add": ("新增账号", "Account added"),
    "account.change_password": ("修改密码", "Password changed"),
    "account.reset_password": ("重置密码", "Password reset"),
    "case.open": ("受理办件", "Case accepted"),
    "case.search": ("查询办件", "Case search"),
    "case.status": ("办件状态变更", "Case status changed"),
    "case.step": ("办件步骤", "Case step"),
    "case.submit": ("提交办件", "Case submitted"),
    "case.review": ("审核办件", "Case reviewed"),
    "cert.verify": ("证照查验", "Certificate check"),
    "cert.revoke": ("证照吊销", "Certificate revoked"),
    "cert.anchor": ("证照登记", "Certificate anchored"),
    "citizen.salt.adopt": ("采用群众盐值", "Citizen salt adopted"),
    "citizen.salt.export": ("导出群众盐值", "Citizen salt exported"),
    "consent.grant": ("群众授权", "Consent granted"),
    "consent.report": ("授权查询报告", "Consent report"),
    "consent.revoke": ("撤回授权", "Consent revoked"),
    "data.answer": ("答复数据请求", "Data request answered"),
    "data.receive": ("接收数据", "Data received"),
    "data.request": ("数据请求", "Data requested"),
    "data.response": ("数据答复", "Data response"),
    "login": ("登录", "Log in"),
    "login.failed": ("登录失败", "Failed log-in"),
    "logout": ("退出登录", "Log out"),
    "office.create": ("创建窗口", "Office created"),
    "settings.write": ("修改设置", "Settings changed"),
    "sync.run": ("同步", "Sync"),
    "sync.push": ("上传记录", "Entries sent"),
    "sync.fork": ("分叉警报", "Fork alarm"),
    "sync.fork.acknowledge": ("确认分叉警报", "Fork alarm acknowledged"),
    "sync.fork.reported": ("已报告分叉警报", "Fork alarm reported"),
    "sync.task.close": ("关闭同步任务", "Sync task closed"),
    "review.signoff": ("审核签署", "Review signed off"),
    "registry.enroll": ("登记密钥", "Key enrolled"),
    "registry.revoke": ("吊销密钥", "Key revoked"),
    "demo.note": ("演示记录", "Demo note"),
}

RESULT_NAMES: dict[str, tuple[str, str]] = {
    "ok": ("成功", "done"),
    "VALID": ("有效", "valid"),
    "REVOKED": ("已吊销", "revoked"),
    "EXPIRED": ("已过期", "expired"),
    "NOT_YET_VALID": ("尚未生效", "not yet valid"),
    "BAD_SIGNATURE": ("签名无效（伪造）", "bad signature (forged)"),
    "WRONG_KEY_USAGE": ("签发密钥用途不符", "wrong key usage"),
    "MALFORMED": ("无法读取", "unreadable"),
    "UNKNOWN_ISSUER": ("签发方未知", "unknown issuer"),
    "CANNOT_VERIFY_OFFLINE": ("离线无法查验", "cannot verify offline"),
    "refused": ("已拒绝", "refused"),
    "failed": ("失败", "failed"),
    "open": ("受理", "open"),
    "verify-documents": ("核验材料", "verify documents"),
    "decide": ("批准", "approve"),
    "close": ("办结", "close"),
    "reject": ("驳回", "reject"),
    "withdraw": ("撤回", "withdraw"),
    "in_progress": ("办理中", "in progress"),
    "closed": ("已办结", "closed"),
}

# What a refused step's code (app.services' Refusal.code, written to the audit trail as `refused: <code>`) and a
# sync run's exit status (app.sync.service) mean, in few words: the review's timeline, PDF and CSV show these.
REFUSAL_NAMES: dict[str, tuple[str, str]] = {
    "wrong_role": ("角色无权办理此步骤", "role may not perform the step"),
    "wrong_department": ("属其他部门办理", "another department's step"),
    "not_enrolled": ("签名密钥未在部门登记", "signing key not enrolled"),
    "missing_certificate": ("缺少有效证照", "certificates missing"),
    "applicant_mismatch": ("申请人与电子身份证不符", "applicant does not match the e-ID"),
    "licence_holder_mismatch": ("电子证照属于他人", "e-licence issued to another person"),
    "id_number_mistyped": ("身份证号码校验位不符（录入有误）", "ID number mistyped (check character wrong)"),
    "step_out_of_order": ("步骤顺序不符", "step out of order"),
    "case_conflict": ("其他窗口已先办理", "another office moved the case first"),
    "replica_too_stale": ("本地副本过旧", "local copy too old"),
    "log_untrusted": ("部门账本分叉告警中", "department log under a fork alarm"),
    "consent_missing": ("无群众授权", "no consent"),
    "consent_expired": ("授权已过期", "consent expired"),
    "consent_revoked": ("授权已撤回", "consent revoked"),
    "scope_not_covered": ("超出授权范围", "outside the consent"),
    "refused": ("规则不允许", "not allowed by the rules"),
    "unknown_service": ("无此事项", "no such service"),
    "unknown_case": ("无此办件", "no such case"),
    "calendar_year_unknown": ("当年法定工作日历未知", "the year's official working-day calendar unknown"),
}
SYNC_EXIT_NAMES: dict[str, tuple[str, str]] = {
    "exit 1": ("同步校验失败", "sync verification failed"),
    "exit 3": ("节点无法连接", "node unreachable"),
    "exit 4": ("同步已取消", "sync cancelled"),
    "exit 5": ("待发送记录重试后仍未送达", "outbox entries still waiting after every retry"),
}

SOURCE_NAMES: dict[str, tuple[str, str]] = {"audit": ("审计", "audit"), "ledger": ("账本", "ledger")}

CSV_HEADERS: dict[str, tuple[str, str]] = {
    "time": ("时间（北京时间）", "Time (Beijing)"),
    "source": ("来源", "Source"),
    "account": ("账号", "Account"),
    "action": ("操作", "Action"),
    "result": ("结果", "Result"),
    "case": ("办件号", "Case"),
    "service": ("事项", "Service"),
    "verdict": ("查验结果", "Verdict"),
    "ref": ("记录编号", "Record"),
}


def _pick(table: dict[str, tuple[str, str]], code: str, language: str) -> str:
    names = table.get(code)
    if names is None:
        return code
    return names[1] if language == "en" else names[0]


def action_name(code: str, language: str) -> str:
    """An audit or ledger action ('cert.verify') as a reader says it; an unknown code is shown as it is."""
    return _pick(ACTION_NAMES, code, language)


def result_name(code: str, language: str) -> str:
    """A result or verdict code ('ok', 'VALID', 'refused: ...') as a reader says it."""
    head, sep, rest = code.partition(": ")
    if sep and head in RESULT_NAMES:
        rest = _pick(REFUSAL_NAMES, rest, language)  # a refusal code in words; free text (a node's reason) as it is
        return f"{_pick(RESULT_NAMES, head, language)}：{rest}" if language != "en" else f"{head}: {rest}"
    if code in SYNC_EXIT_NAMES:
        return _pick(SYNC_EXIT_NAMES, code, language)
    return _pick(RESULT_NAMES, code, language)


def source_name(code: str, language: str) -> str:
    """Where a timeline row comes from (audit trail or ledger), as a reader says it."""
    return _pick(SOURCE_NAMES, code, language)


def csv_header(column: str, language: str) -> str:
    """A CSV column's header in `language`."""
    return _pick(CSV_HEADERS, column, language)


@functools.cache
def _service_names(language: str) -> tuple[tuple[str, str], ...]:
    catalogue = load_catalogue()
    return tuple((s.id, s.name.en if language == "en" else s.name.zh) for s in catalogue.services)


def service_names(language: str) -> dict[str, str]:
    """Every catalogue service's name in `language`, by service id (for the timeline, the charts and exports)."""
    return dict(_service_names(language))


ANOMALY_NAMES: dict[str, tuple[str, str]] = {
    "off_hours": ("营业时间外操作", "Outside office hours"),
    "data_fishing": ("无办件查询", "Lookups without a case"),
    "failed_logins": ("多次登录失败", "Failed log-ins"),
    "refused_then_accepted": ("先拒后收", "Refused, then accepted"),
    "unassigned_move": ("非指派人员办理", "Moved by someone not assigned"),
    "outbox_stuck": ("待发记录积压", "Outbox stuck"),
    "replica_alarm": ("副本告警", "Replica alarm"),
    "audit_chain_break": ("审计链断裂", "Audit chain broken"),
    "after_signoff": ("签署后操作", "After sign-off"),
}


def anomaly_name(kind: str, language: str) -> str:
    """An anomaly kind as a reader says it."""
    return _pick(ANOMALY_NAMES, kind, language)
