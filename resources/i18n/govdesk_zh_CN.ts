<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CallbackDialog</name>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="81"/>
        <source>Record the call-back</source>
        <translation>记录回访</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="82"/>
        <source>&amp;Called back at (Beijing time):</source>
        <translation>回访时间（北京时间）(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="83"/>
        <source>&amp;Outcome:</source>
        <translation>回访结果(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="84"/>
        <source>What the citizen said and what was done (at most 1000 characters)</source>
        <translation>群众的意见及处理情况（最多 1000 字）</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="85"/>
        <source>&amp;Resolved</source>
        <translation>已解决(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="86"/>
        <source>Record and sign (Ctrl+Enter)</source>
        <translation>记录并签名 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="87"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>CaseForm</name>
    <message>
        <location filename="../../ui/case_form.py" line="44"/>
        <source>Opened</source>
        <translation>已受理</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="45"/>
        <source>Documents verified</source>
        <translation>材料已核验</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="46"/>
        <source>In progress</source>
        <translation>办理中</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="47"/>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="48"/>
        <source>Closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="49"/>
        <source>Rejected</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="50"/>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="152"/>
        <source>Ser&amp;vice</source>
        <translation>办理事项(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="153"/>
        <source>Chosen</source>
        <translation>已选事项</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="154"/>
        <source>Citizen &amp;name</source>
        <translation>申请人姓名(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="155"/>
        <source>&amp;ID number</source>
        <translation>身份证号(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="156"/>
        <source>No&amp;tes</source>
        <translation>备注(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="157"/>
        <source>Certificates</source>
        <translation>所需证照</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="158"/>
        <source>Steps</source>
        <translation>办理环节</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="162"/>
        <source>Accept case (Ctrl+S)</source>
        <translation>受理 (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="223"/>
        <source>Next: %1, done by %2 — not at this counter.</source>
        <translation>下一步：%1，由%2办理——不在本窗口办理。</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="231"/>
        <source>Open the case</source>
        <translation>受理</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="232"/>
        <source>Verify the certificates</source>
        <translation>核验证照</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="233"/>
        <source>Approve (supervisor)</source>
        <translation>审批（主管）</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="234"/>
        <source>Hand over and close</source>
        <translation>发证办结</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="254"/>
        <source>Choose a service: its required certificates are listed here.</source>
        <translation>请先选择事项：所需证照列在此处。</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="261"/>
        <source>not scanned yet</source>
        <translation>尚未扫描</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="307"/>
        <source>This counter cannot accept this service: %1</source>
        <translation>本窗口不能受理此事项：%1</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="322"/>
        <source>This certificate is %1&apos;s, not the applicant %2&apos;s: it was not added. Press Ctrl+N for a new citizen.</source>
        <translation>此证照属于%1，不是申请人%2的，未加入。接待下一位群众请按 Ctrl+N。</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="330"/>
        <source>New citizen: %1. The previous citizen&apos;s data was cleared.</source>
        <translation>新的办事群众：%1。上一位群众的信息已清除。</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="341"/>
        <source>Choose a service and fill in the citizen&apos;s name and ID number first.</source>
        <translation>请先选择事项并填写群众姓名和身份证号。</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="163"/>
        <source>New form (Ctrl+N)</source>
        <translation>新办件 (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="184"/>
        <source>No service chosen yet: search above.</source>
        <translation>尚未选择事项：请在上方搜索。</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="189"/>
        <source>%1 · led by %2 · time limit %3 days</source>
        <translation>%1 · 牵头部门：%2 · 办理时限 %3 天</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="195"/>
        <source>New case</source>
        <translation>新办件</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="207"/>
        <source>Verify documents (Ctrl+Enter)</source>
        <translation>核验材料 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="209"/>
        <source>Approve (Ctrl+Enter)</source>
        <translation>审批通过 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="211"/>
        <source>Hand over and close (Ctrl+Enter)</source>
        <translation>发证办结 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="212"/>
        <source>Done: %1 (Ctrl+Enter)</source>
        <translation>完成：%1 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="218"/>
        <source>Next step (Ctrl+Enter)</source>
        <translation>下一步 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="198"/>
        <source>Case %1 · %2</source>
        <translation>办件 %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="355"/>
        <source>Scan these valid certificates of the applicant first: %1</source>
        <translation>请先扫描申请人的以下有效证照：%1</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="412"/>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="418"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <location filename="../../ui/case_panel.py" line="87"/>
        <source>Open cases</source>
        <translation>在办事项</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="88"/>
        <source>Find a case (Ctrl+F)</source>
        <translation>查找办件 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="89"/>
        <source>Case number, certificate serial, ID number or name</source>
        <translation>办件编号、证照编号、身份证号或姓名</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="90"/>
        <source>Search</source>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="91"/>
        <source>Cases of the scanned certificate</source>
        <translation>查找所扫证照的办件</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="92"/>
        <source>Tasks from sync</source>
        <translation>同步返回的待办</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="139"/>
        <source>No case found.</source>
        <translation>未找到办件。</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="141"/>
        <source>%1 found; Enter opens one.</source>
        <translation>找到 %1 件；按回车打开。</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="148"/>
        <source>Search failed: %1</source>
        <translation>查找失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="155"/>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="155"/>
        <source>Refused by the node</source>
        <translation>节点拒绝</translation>
    </message>
</context>
<context>
    <name>CounterScreen</name>
    <message>
        <location filename="../../ui/counter_screen.py" line="125"/>
        <source>Camera and verdict (F3)</source>
        <translation>扫码与核验结果 (F3)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="126"/>
        <source>Case</source>
        <translation>办件</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="128"/>
        <source>Codes are read as soon as they are in view; the outline takes the verdict&apos;s colour.</source>
        <translation>二维码进入画面即自动识读；边框颜色即核验结果。</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="130"/>
        <source>Sa&amp;mple:</source>
        <translation>样例(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="133"/>
        <source>Scan (F4)</source>
        <translation>扫描 (F4)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="133"/>
        <source>Scan again (F4)</source>
        <translation>重新扫描 (F4)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="144"/>
        <source>Demo samples: pick one and press F4 to scan it.</source>
        <translation>演示样例：选择一个后按 F4 扫描。</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="178"/>
        <source>张伟 · e-ID (valid)</source>
        <translation>张伟 · 电子身份证（有效）</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="179"/>
        <source>张伟 · household register (valid)</source>
        <translation>张伟 · 户口簿（有效）</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="180"/>
        <source>李秀英 · e-ID (expired)</source>
        <translation>李秀英 · 电子身份证（已过期）</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="181"/>
        <source>王强 · e-ID (revoked)</source>
        <translation>王强 · 电子身份证（已吊销）</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="259"/>
        <source>Ticket %1 came with case %2, which this counter does not hold yet: sync (F5), then find it (Ctrl+F).</source>
        <translation>%1号转来时附带办件 %2，本窗口尚未收到该办件：请先同步（F5），再查找（Ctrl+F）。</translation>
    </message>
</context>
<context>
    <name>CurrentTicketWidget</name>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="85"/>
        <source>Call next</source>
        <translation>叫号</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="86"/>
        <source>Recall</source>
        <translation>重呼</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="87"/>
        <source>Skip</source>
        <translation>过号</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="88"/>
        <source>Finish</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="91"/>
        <source>Window %1</source>
        <translation>%1号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="89"/>
        <source>Transfer</source>
        <translation>转号</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="84"/>
        <source>Current ticket</source>
        <translation>当前号码</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="139"/>
        <source>Queue system offline: keep serving; calling is paused.</source>
        <translation>叫号系统离线：可继续办理，暂停叫号。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="141"/>
        <source>Serving</source>
        <translation>正在办理</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="143"/>
        <source>Window free</source>
        <translation>窗口空闲</translation>
    </message>
</context>
<context>
    <name>EvaluatorWindow</name>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="89"/>
        <source>Rate our service</source>
        <translation>服务评价</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="90"/>
        <source>How satisfied are you with this service?</source>
        <translation>您对本次服务满意吗？</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="91"/>
        <source>You may add a reason (optional)</source>
        <translation>可填写评价理由（选填）</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="92"/>
        <source>Welcome. Please wait to be served.</source>
        <translation>欢迎光临，请稍候办理。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="97"/>
        <source>Thank you for your rating.</source>
        <translation>感谢您的评价。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="102"/>
        <source>%1 · Window %2 · Ticket %3</source>
        <translation>%1 · %2号窗口 · %3号</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="105"/>
        <source>Served by staff member %1</source>
        <translation>为您服务的工作人员：%1</translation>
    </message>
</context>
<context>
    <name>ForkAlarmBar</name>
    <message>
        <location filename="../../ui/status_panel.py" line="163"/>
        <source>I have told the supervisor</source>
        <translation>我已报告主管</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="168"/>
        <source>ALARM: the log of %1 showed two different histories. Its data is no longer trusted and certificates from it cannot be accepted. Evidence has been kept. Tell your supervisor now.</source>
        <translation>警报：%1 的日志出现了两份不同的历史。其数据已不再可信，由其签发的证照不能受理。证据已保存。请立即报告主管。</translation>
    </message>
</context>
<context>
    <name>HallDisplayWindow</name>
    <message>
        <location filename="../../ui/hall_display.py" line="35"/>
        <source>Hall display</source>
        <translation>大厅叫号屏</translation>
    </message>
    <message>
        <location filename="../../ui/hall_display.py" line="37"/>
        <source>Now calling</source>
        <translation>正在呼叫</translation>
    </message>
    <message>
        <location filename="../../ui/hall_display.py" line="44"/>
        <source>Waiting</source>
        <translation>等候人数</translation>
    </message>
    <message>
        <location filename="../../ui/hall_display.py" line="59"/>
        <source>Voice: on</source>
        <translation>语音播报：开</translation>
    </message>
    <message>
        <location filename="../../ui/hall_display.py" line="59"/>
        <source>Voice: not installed</source>
        <translation>语音播报：未安装</translation>
    </message>
    <message>
        <location filename="../../ui/hall_display.py" line="84"/>
        <location filename="../../ui/hall_display.py" line="93"/>
        <source>Number %1 to window %2</source>
        <translation>请 %1 号到 %2 号窗口</translation>
    </message>
</context>
<context>
    <name>HallEvaluationsPanel</name>
    <message>
        <location filename="../../ui/review_hall.py" line="107"/>
        <location filename="../../ui/review_hall.py" line="113"/>
        <source>Rating</source>
        <translation>评价等级</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="107"/>
        <source>Ratings on the day</source>
        <translation>当日评价数</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="108"/>
        <source>Ratings</source>
        <translation>评价数</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="108"/>
        <source>Dissatisfied</source>
        <translation>差评数</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="108"/>
        <source>Mean (1–5)</source>
        <translation>平均分（1–5）</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="109"/>
        <location filename="../../ui/review_hall.py" line="113"/>
        <location filename="../../ui/review_hall.py" line="118"/>
        <source>Service</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="110"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="111"/>
        <source>Clerk</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="113"/>
        <source>Item</source>
        <translation>整改编号</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="113"/>
        <location filename="../../ui/review_hall.py" line="117"/>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="113"/>
        <source>Due (working days)</source>
        <translation>整改期限（工作日计）</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="115"/>
        <source>Remediation items past their due day, still without a call-back:</source>
        <translation>已超过整改期限、尚未回访的差评整改：</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="117"/>
        <source>Last refused (Beijing)</source>
        <translation>最近拒收时间（北京时间）</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="117"/>
        <source>Why it was not passed on</source>
        <translation>未转交原因</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="118"/>
        <source>Evaluator</source>
        <translation>评价器</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="118"/>
        <source>Times</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="129"/>
        <source>Asking the hall for %1…</source>
        <translation>正在向大厅服务查询 %1 的评价…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/review_hall.py" line="209"/>
        <source>%n rating(s) from the hall were not passed on to a department (each refusal is recorded in the audit trail):</source>
        <translation>
            <numerusform>有 %n 条大厅评价未转交部门（每次拒收均已记入审计记录）：</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="31"/>
        <source>The hall service cannot be reached: its ratings and remediation items cannot be shown now. The rest of the review is complete.</source>
        <translation>无法连接大厅服务：暂时无法显示好差评与整改情况。审核的其他内容不受影响。</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="36"/>
        <source>This office&apos;s hall key file cannot be read (settings): the hall cannot be asked.</source>
        <translation>无法读取本窗口的大厅密钥文件（见设置），无法查询大厅服务。</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="174"/>
        <source>No hall is configured for this office: citizens&apos; ratings and their remediation items are kept by a hall service. An administrator sets the hall&apos;s address and key in the settings.</source>
        <translation>本窗口未配置大厅服务：好差评及差评整改由大厅服务保存。请管理员在设置中填写大厅服务地址和密钥。</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="182"/>
        <source>%1: ratings %2, dissatisfied %3; remediation items overdue: %4.</source>
        <translation>%1：共 %2 条评价，其中差评 %3 条；%4 项差评整改已逾期。</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="194"/>
        <source> (provisional calendar)</source>
        <translation>（日历为暂定）</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="201"/>
        <source>The refused ratings cannot be read: %1</source>
        <translation>无法读取被拒收的评价：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="207"/>
        <source>No rating from the hall was refused: every one went on to its department.</source>
        <translation>没有被拒收的大厅评价：每条评价都已转交相应部门。</translation>
    </message>
</context>
<context>
    <name>HallRefusals</name>
    <message>
        <location filename="../../ui/hall_refusals.py" line="14"/>
        <source>The queue system cannot be reached. Serving goes on; calling is paused.</source>
        <translation>暂时无法连接叫号系统。业务照常办理，叫号暂停。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="18"/>
        <source>Something went wrong. Please ask the staff for help.</source>
        <translation>出现问题，请联系工作人员。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="20"/>
        <source>This service category is not offered in this hall.</source>
        <translation>本大厅不办理此类业务。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="23"/>
        <source>No appointment has this number.</source>
        <translation>没有此编号的预约。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="24"/>
        <source>This appointment has already been turned into a ticket.</source>
        <translation>此预约已取号。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="27"/>
        <source>This window still holds a ticket: finish, skip or transfer it first.</source>
        <translation>本窗口仍有正在办理的号码：请先办结、过号或转号。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="30"/>
        <source>This window no longer holds the ticket (it timed out or moved).</source>
        <translation>本窗口已不再持有此号码（已超时或已转出）。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="33"/>
        <source>This ticket is already finished.</source>
        <translation>此号码已办结。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="34"/>
        <source>This device is not enrolled for a window of this hall.</source>
        <translation>此设备未登记为本大厅的窗口设备。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="37"/>
        <source>No more tickets can be issued today in this category.</source>
        <translation>此类业务今日号码已发完。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="38"/>
        <source>This device belongs to another office.</source>
        <translation>此设备属于其他办事机构。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="39"/>
        <source>This device&apos;s key is not in the hall&apos;s signature suite; enrol it again.</source>
        <translation>此设备的密钥算法与叫号系统的签名算法不一致，请重新登记设备。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="42"/>
        <source>This device may not do that.</source>
        <translation>此设备无权执行该操作。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="43"/>
        <source>This device is not enrolled in the hall.</source>
        <translation>此设备未在叫号系统登记。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="44"/>
        <source>This device&apos;s key has been revoked.</source>
        <translation>此设备的密钥已被吊销。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="45"/>
        <source>This device&apos;s clock is wrong; please set the time.</source>
        <translation>此设备时间不准确，请校准时间。</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="50"/>
        <source>The queue system refused the request.</source>
        <translation>叫号系统拒绝了该请求。</translation>
    </message>
</context>
<context>
    <name>HallTicketSlot</name>
    <message>
        <location filename="../../ui/hall_ticket_slot.py" line="86"/>
        <source>The queue system is set, but this counter&apos;s key file cannot be read.</source>
        <translation>已设置叫号系统，但无法读取本窗口的密钥文件。</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="32"/>
        <source>Take a number</source>
        <translation>取号</translation>
    </message>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="33"/>
        <source>Please choose your service</source>
        <translation>请选择办理的业务</translation>
    </message>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="46"/>
        <source>Green channel (elderly, disabled, pregnant)</source>
        <translation>绿色通道（老年人、残疾人、孕妇）</translation>
    </message>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="49"/>
        <source>Appointment number</source>
        <translation>预约号</translation>
    </message>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="51"/>
        <source>I have an appointment</source>
        <translation>我有预约</translation>
    </message>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="87"/>
        <source>Please wait for your number to be called. Keep this number.</source>
        <translation>请留意叫号，妥善保管您的号码。</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <location filename="../../ui/login_screen.py" line="94"/>
        <source>&amp;Account</source>
        <translation>账号(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="96"/>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="99"/>
        <source>Log in to start serving citizens.</source>
        <translation>登录后开始办理业务。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="100"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="103"/>
        <source>Locked. %1 (%2) is logged in; unsaved work is kept.</source>
        <translation>已锁屏。当前登录：%1（%2）；未保存的工作已保留。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="107"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="108"/>
        <source>Log out instead (unsaved work is discarded)</source>
        <translation>改为退出登录（未保存的工作将丢弃）</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="136"/>
        <source>Type your account name and password.</source>
        <translation>请输入账号和密码。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="160"/>
        <source>Wrong password. Check the keyboard layout and Caps Lock, then try again.</source>
        <translation>密码错误。请检查输入法和大写锁定键后重试。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="165"/>
        <source>a supervisor resets the password</source>
        <translation>主管重置密码</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="167"/>
        <source>Too many wrong passwords: this account is locked until %1.</source>
        <translation>密码错误次数过多：此账号已锁定，直至%1。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="169"/>
        <source>No account of that name may log in on this machine. Check the spelling.</source>
        <translation>本机没有可登录的该账号，请检查拼写。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="171"/>
        <source>This account has been disabled. Ask your supervisor.</source>
        <translation>此账号已停用，请联系主管。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="173"/>
        <source>The office data on this machine is damaged or was replaced. Call IT support: %1</source>
        <translation>本机的网点数据已损坏或被替换。请联系技术支持：%1</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="177"/>
        <source>No office is set up in this folder.</source>
        <translation>此文件夹中没有网点数据。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="178"/>
        <source>Cannot log in: %1</source>
        <translation>无法登录：%1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="149"/>
        <source>govdesk · %1</source>
        <translation>政务窗口 · %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="150"/>
        <source>&amp;Counter</source>
        <translation>窗口(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="152"/>
        <source>Lock screen</source>
        <translation>锁屏</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="153"/>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="154"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="155"/>
        <source>Switch language (中文 / English)</source>
        <translation>切换语言（中文 / English）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="156"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="157"/>
        <source>Find a case</source>
        <translation>查找办件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="158"/>
        <source>Go to the camera</source>
        <translation>转到扫码区</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="159"/>
        <source>Scan (again)</source>
        <translation>扫描（重新扫描）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="160"/>
        <source>Go to the open cases</source>
        <translation>转到在办事项</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="161"/>
        <source>New case form</source>
        <translation>新办件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="162"/>
        <source>Open the case</source>
        <translation>受理办件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="163"/>
        <source>Next step of the case</source>
        <translation>办件下一步</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="165"/>
        <source>Trusted root certificates…</source>
        <translation>受信任的根证书…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="173"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="328"/>
        <source>Only an administrator manages the trusted root certificates.</source>
        <translation>只有管理员可以管理受信任的根证书。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="366"/>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="375"/>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="399"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="405"/>
        <source>No trust policy: an admin sets the department nodes first.</source>
        <translation>尚无信任策略：请管理员先设置部门节点。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="423"/>
        <source>Sync cancelled.</source>
        <translation>同步已取消。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="425"/>
        <source>Nothing was synced: no department node answered. Work continues offline.</source>
        <translation>未同步任何数据：没有部门节点应答。可继续离线办理。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="430"/>
        <source>Sync finished with problems: {0} of {1} logs could not be synced (see the nodes).</source>
        <translation>同步完成，但有问题：{1} 个日志中有 {0} 个未能同步（请查看节点状态）。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="434"/>
        <source>Sync finished.</source>
        <translation>同步完成。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="164"/>
        <source>Daily review…</source>
        <translation>每日审核…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="319"/>
        <source>Only supervisors and admins review the day.</source>
        <translation>只有主管和管理员可以审核当日记录。</translation>
    </message>
</context>
<context>
    <name>NoticePanel</name>
    <message>
        <location filename="../../ui/notice_panel.py" line="87"/>
        <source>Materials received · receipts and notices</source>
        <translation>已收材料 · 回执与告知单</translation>
    </message>
    <message>
        <location filename="../../ui/notice_panel.py" line="88"/>
        <source>Print acceptance receipt</source>
        <translation>打印受理回执</translation>
    </message>
    <message>
        <location filename="../../ui/notice_panel.py" line="89"/>
        <source>Print one-time notice</source>
        <translation>打印一次性告知单（缺件）</translation>
    </message>
    <message>
        <location filename="../../ui/notice_panel.py" line="145"/>
        <source>The document cannot be made from the materials ticked.</source>
        <translation>按所勾选的材料无法生成该文书。</translation>
    </message>
    <message>
        <location filename="../../ui/notice_panel.py" line="151"/>
        <source>Printed: %1</source>
        <translation>已打印：%1</translation>
    </message>
</context>
<context>
    <name>OfdPanel</name>
    <message>
        <location filename="../../ui/ofd_panel.py" line="98"/>
        <source>Open e-licence (OFD)…</source>
        <translation>打开电子证照（OFD）…</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="99"/>
        <source>Attach to case</source>
        <translation>附入办件</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="100"/>
        <source>Watch a folder (USB)…</source>
        <translation>监视文件夹（U 盘）…</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="193"/>
        <source>Open e-licence</source>
        <translation>打开电子证照</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="159"/>
        <location filename="../../ui/ofd_panel.py" line="193"/>
        <source>OFD documents (*.ofd)</source>
        <translation>OFD 文档 (*.ofd)</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="101"/>
        <source>Result of the case</source>
        <translation>办件结果</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="102"/>
        <source>Save a copy (USB)…</source>
        <translation>保存副本（U 盘）…</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="103"/>
        <source>Printable copy (PDF)…</source>
        <translation>打印件（PDF）…</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="119"/>
        <source>The sealed result of case %1 is here, ready to hand out: press “Result of the case”.</source>
        <translation>办件 %1 的盖章结果文书已送达，可以出件：请点击“办件结果”。</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="148"/>
        <source>No sealed result has been issued for case %1 yet.</source>
        <translation>办件 %1 尚未签发加盖印章的结果文书。</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="158"/>
        <source>Save the e-licence</source>
        <translation>保存电子证照</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="173"/>
        <source>Printable copy</source>
        <translation>打印件</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="174"/>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="187"/>
        <source>Written to %1.</source>
        <translation>已写入 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="201"/>
        <source>Watch a folder for e-licences</source>
        <translation>监视电子证照文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="216"/>
        <source>Watching %1 for new e-licences.</source>
        <translation>正在监视 %1 中的新电子证照。</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="224"/>
        <source>Waiting for %1 to finish copying…</source>
        <translation>正在等待 %1 复制完成…</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="240"/>
        <source>%1 is not complete yet (%2 KB). Waiting for the copy to finish; if it has finished, the file is damaged: open it by hand to see why.</source>
        <translation>%1 尚未完整（已有 %2 KB），正在等待复制完成；如果复制已经结束，说明文件已损坏，请手动打开查看原因。</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="281"/>
        <source>The file cannot be read.</source>
        <translation>无法读取该文件。</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="288"/>
        <source>The file is too large for an e-licence.</source>
        <translation>文件过大，不是电子证照。</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="304"/>
        <source>Verification failed: %1</source>
        <translation>核验失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="324"/>
        <source>Attached to case %1 (SM3 %2…).</source>
        <translation>已附入办件 %1（SM3 %2…）。</translation>
    </message>
</context>
<context>
    <name>OfdVerdictCard</name>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="42"/>
        <source>Licence</source>
        <translation>证照</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="43"/>
        <source>Number</source>
        <translation>证照编号</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="44"/>
        <source>Holder</source>
        <translation>持证主体</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="45"/>
        <source>Holder code</source>
        <translation>持证主体代码</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="46"/>
        <source>Issued by</source>
        <translation>颁发机构</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="47"/>
        <source>Issued on</source>
        <translation>颁发日期</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="48"/>
        <source>Valid from</source>
        <translation>有效期起</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="49"/>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="50"/>
        <source>Licence type</source>
        <translation>证照类型</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="95"/>
        <source>Not a readable OFD document</source>
        <translation>不是可读取的 OFD 文档</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="97"/>
        <source>Sealed and trusted: accept the document</source>
        <translation>签章有效且可信：可以受理</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="99"/>
        <source>Revoked: do not accept</source>
        <translation>已撤销：不得受理</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="101"/>
        <source>Intact, but the issuer is not trusted: do not accept as proof</source>
        <translation>文件完整，但签发者不受信任：不得作为凭证</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="102"/>
        <source>Altered or not properly sealed: do not accept</source>
        <translation>已被篡改或签章无效：不得受理</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="112"/>
        <source>No OFD document opened</source>
        <translation>尚未打开 OFD 文档</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="113"/>
        <source>Open the citizen&apos;s .ofd file, or drop it here.</source>
        <translation>打开群众提供的 .ofd 文件，或将文件拖放到此处。</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="121"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="126"/>
        <source>Issued at</source>
        <translation>出证时间</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="126"/>
        <source>%1 (Beijing time)</source>
        <translation>%1（北京时间）</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="147"/>
        <source>revoked at %1</source>
        <translation>已于 %1 撤销</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="149"/>
        <source>revoked</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="149"/>
        <source>still valid</source>
        <translation>仍然有效</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="128"/>
        <source>Ledger</source>
        <translation>账本记录</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="155"/>
        <source>issued by %1 at %2, serial %3, %4</source>
        <translation>由 %1 于 %2 签发，编号 %3，%4</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="168"/>
        <source>valid, sealed before its seal key was revoked at %1</source>
        <translation>有效，签章早于印章密钥的撤销（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="170"/>
        <source>valid, trusted</source>
        <translation>有效，可信</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="172"/>
        <source>valid, but revoked</source>
        <translation>有效，但已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="174"/>
        <source>valid, issuer not trusted</source>
        <translation>有效，签发者不受信任</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="177"/>
        <source>Signature %1</source>
        <translation>签章 %1</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="179"/>
        <source>Seal</source>
        <translation>印章</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="181"/>
        <source>Seal owner</source>
        <translation>印章所有者</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="183"/>
        <source>Signer</source>
        <translation>签章人</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="185"/>
        <source>Sealed at</source>
        <translation>签章时间</translation>
    </message>
</context>
<context>
    <name>OfflineBanner</name>
    <message>
        <location filename="../../ui/status_panel.py" line="132"/>
        <source>Offline: no department node answers. Still works: scanning and verifying certificates against this office&apos;s replica, opening and advancing cases (queued in the outbox). Does not work: new revocations, data from other departments, sending the outbox. Certificates whose data is too old show amber.</source>
        <translation>离线：各部门节点均无响应。仍可使用：依据本网点副本扫码核验证照，受理和推进办件（存入待发队列）。暂不可用：最新撤销信息、其他部门数据、发送待发队列。数据过旧的证照显示为黄色。</translation>
    </message>
</context>
<context>
    <name>Refusal</name>
    <message>
        <location filename="../../ui/refusal_text.py" line="32"/>
        <source>Your role may not perform this step.</source>
        <translation>您的角色不能办理这一步。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="33"/>
        <source>This step is done by another department; this counter is not enrolled for it.</source>
        <translation>这一步由其他部门办理，本窗口未获该部门授权。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="36"/>
        <source>Your signing key is not enrolled with the department (or was revoked).</source>
        <translation>您的签名密钥未在该部门登记（或已被吊销）。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="39"/>
        <source>Required certificates are missing or not valid: %missing.</source>
        <translation>缺少所需证照或证照无效：%missing。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="42"/>
        <source>The applicant does not match the scanned e-ID or a certificate is someone else&apos;s.</source>
        <translation>申请人与所扫描的电子身份证不符，或有证照属于他人。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="45"/>
        <source>This e-licence was issued to another person (ID number ending %tail), not to this case&apos;s citizen. It was not attached.</source>
        <translation>该电子证照是签发给他人的（身份证号码尾号 %tail），不是本办件的申请人，未附入办件。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="50"/>
        <source>The ID number&apos;s last character does not match the rest of it: a character was mistyped or misread. Read the number again from the card. Nothing was signed.</source>
        <translation>身份证号码的校验位与前17位不符：有字符录入或识读错误。请对照证件重新核对号码。未作任何签名。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="55"/>
        <source>This step is not allowed at the case&apos;s current stage.</source>
        <translation>办件当前阶段不能办理这一步。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="58"/>
        <source>Another office moved this case first; look at the case again.</source>
        <translation>其他窗口已先办理此办件，请重新查看办件。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="61"/>
        <source>The local copy of this department&apos;s log is too old for this service: sync first.</source>
        <translation>本机保存的该部门数据过旧，此事项需先同步。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="64"/>
        <source>This department&apos;s log is under a fork alarm: a supervisor must resolve it first.</source>
        <translation>该部门日志存在分叉警报，须由主管先处理。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="67"/>
        <source>No consent of the citizen covers this request.</source>
        <translation>没有群众授权覆盖此次请求。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="68"/>
        <source>The citizen&apos;s consent has expired.</source>
        <translation>群众的授权已过期。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="69"/>
        <source>The citizen revoked the consent.</source>
        <translation>群众已撤回授权。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="70"/>
        <source>The request asks for data outside the consent.</source>
        <translation>请求的数据超出授权范围。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="71"/>
        <source>The request was refused by the rules.</source>
        <translation>按规定，此请求被拒绝。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="72"/>
        <source>There is no such service in the catalogue.</source>
        <translation>事项目录中没有此事项。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="73"/>
        <source>This office knows no such case.</source>
        <translation>本窗口没有此办件。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="74"/>
        <source>The service catalogue or a case could not be read.</source>
        <translation>无法读取事项目录或办件。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="76"/>
        <source>What the hall gave as a rating is not a signed rating for a department&apos;s log.</source>
        <translation>叫号系统提供的内容不是发往部门账本的已签名评价。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="79"/>
        <source>The rating is of another office&apos;s ticket, or its evaluator is enrolled for another office.</source>
        <translation>该评价属于其他办事大厅的号码，或其评价器登记在其他大厅。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="82"/>
        <source>The rating is not signed by an active evaluator device (a person&apos;s key, or a revoked device).</source>
        <translation>该评价不是由有效的评价器设备签名（为人员密钥，或设备已吊销）。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="85"/>
        <source>The rating&apos;s signature does not verify: it may have been altered on the way.</source>
        <translation>该评价的签名验证失败：可能在传递中被篡改。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="88"/>
        <source>The counter did not pass this rating on to its department.</source>
        <translation>本窗口未将该评价转交相应部门。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="92"/>
        <source>The department refused the entry as malformed.</source>
        <translation>部门以格式错误为由拒绝了该记录。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="93"/>
        <source>The department refused the entry: its signature does not verify.</source>
        <translation>部门拒绝了该记录：签名验证未通过。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="96"/>
        <source>The department does not know this signing key.</source>
        <translation>部门不认识此签名密钥。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="97"/>
        <source>The department revoked this signing key.</source>
        <translation>部门已吊销此签名密钥。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="98"/>
        <source>The department does not allow this role to write this entry.</source>
        <translation>部门不允许此角色提交该记录。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="101"/>
        <source>The entry was sent to the wrong department.</source>
        <translation>该记录发给了错误的部门。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="102"/>
        <source>The entry is too large for the department.</source>
        <translation>该记录过大，部门不接收。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="103"/>
        <source>Too many entries were sent at once.</source>
        <translation>一次发送的记录过多。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="104"/>
        <source>The request was too large for the department.</source>
        <translation>请求过大，部门不接收。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="105"/>
        <source>The department could not read the request.</source>
        <translation>部门无法读取该请求。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="106"/>
        <source>The department did not accept this counter&apos;s credentials.</source>
        <translation>部门未接受本窗口的身份凭证。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="109"/>
        <source>The department did not accept the request&apos;s signature.</source>
        <translation>部门未接受该请求的签名。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="112"/>
        <source>The request was too old when it arrived: check the computer&apos;s clock.</source>
        <translation>请求到达时已过期：请检查本机时钟。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="115"/>
        <source>The department saw this request before.</source>
        <translation>部门已收到过此请求。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="116"/>
        <source>The department is busy: it will be tried again.</source>
        <translation>部门繁忙，稍后将自动重试。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="117"/>
        <source>The department is overloaded: it will be tried again.</source>
        <translation>部门负载过高，稍后将自动重试。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="118"/>
        <source>The department did not finish in time: it will be tried again.</source>
        <translation>部门未能及时处理，稍后将自动重试。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="121"/>
        <source>The request timed out: it will be tried again.</source>
        <translation>请求超时，稍后将自动重试。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="122"/>
        <source>The department does not have what was asked for.</source>
        <translation>部门没有所请求的内容。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="124"/>
        <source>There is no office database here.</source>
        <translation>此处没有窗口数据库。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="125"/>
        <source>An office database already exists here.</source>
        <translation>此处已有窗口数据库。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="126"/>
        <location filename="../../ui/refusal_text.py" line="127"/>
        <source>Unknown user name or wrong password.</source>
        <translation>用户名不存在或密码错误。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="128"/>
        <source>Too many wrong passwords: the account is locked for a while.</source>
        <translation>密码错误次数过多，账号暂时锁定。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="131"/>
        <source>This account is disabled: ask the administrator.</source>
        <translation>此账号已停用，请联系管理员。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="132"/>
        <source>Your role does not allow this.</source>
        <translation>您的角色无权进行此操作。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="133"/>
        <source>The office database cannot be opened: wrong key or not a database.</source>
        <translation>无法打开窗口数据库：密钥错误或不是数据库文件。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="136"/>
        <source>The office database is damaged: call support.</source>
        <translation>窗口数据库已损坏，请联系技术支持。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="137"/>
        <source>The office database was rolled back to an older copy: call support.</source>
        <translation>窗口数据库被回退到旧副本，请联系技术支持。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="140"/>
        <source>The audit trail was altered: call support.</source>
        <translation>审计记录被篡改，请联系技术支持。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="141"/>
        <source>The disk is full: nothing was saved.</source>
        <translation>磁盘已满，未保存任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="142"/>
        <source>The office database is from a newer govdesk: update this program.</source>
        <translation>窗口数据库来自更新版本的 govdesk，请升级本程序。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="145"/>
        <source>A field holds a value that is not accepted.</source>
        <translation>某个字段的内容不符合要求。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="146"/>
        <source>The office is locked: log in first.</source>
        <translation>窗口已锁定，请先登录。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="147"/>
        <source>The office database refused the action.</source>
        <translation>窗口数据库拒绝了此操作。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="149"/>
        <source>The department&apos;s node cannot be reached: work continues offline.</source>
        <translation>无法连接该部门节点，可继续离线办理。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="152"/>
        <source>Sync was cancelled.</source>
        <translation>同步已取消。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="153"/>
        <source>What the department sent does not verify: nothing of it was kept.</source>
        <translation>部门发来的数据验证未通过，均未保存。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="156"/>
        <source>The department&apos;s log shows two histories: the fork alarm is raised.</source>
        <translation>该部门日志出现两种历史，已发出分叉警报。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="159"/>
        <source>This department&apos;s log is under a fork alarm and is not synced.</source>
        <translation>该部门日志存在分叉警报，暂不同步。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="162"/>
        <source>This computer&apos;s clock differs too much from the department&apos;s.</source>
        <translation>本机时钟与部门时钟相差过大。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="165"/>
        <source>Sync failed.</source>
        <translation>同步失败。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="167"/>
        <source>This day is already signed off.</source>
        <translation>当日已签核。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="168"/>
        <source>Every anomaly must be acknowledged with a comment before signing.</source>
        <translation>签核前须对每项异常填写意见并确认。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="171"/>
        <source>Reports can only be saved in a folder you chose.</source>
        <translation>报告只能保存在您选择的文件夹中。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="172"/>
        <source>This entry is no longer refused (it was sent again or set aside already): reopen the list.</source>
        <translation>该记录已不处于被拒状态（已重新发送或已被搁置）：请重新打开列表。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="175"/>
        <source>Only the supervisor, logged in with their own signing key, records a call-back.</source>
        <translation>只有主管用本人的签名密钥登录后才能记录回访。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="178"/>
        <source>Write the call-back&apos;s outcome: 1 to 1000 characters, without control characters.</source>
        <translation>请填写回访结果：1 至 1000 个字符，不得含控制字符。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="181"/>
        <source>The call-back&apos;s time must lie after the rating and not in the future.</source>
        <translation>回访时间必须在评价之后，且不能晚于现在。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="184"/>
        <source>The review could not be completed.</source>
        <translation>无法完成审核。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="186"/>
        <source>The certificate file cannot be read.</source>
        <translation>无法读取证书文件。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="187"/>
        <source>The file is too large to be a root certificate (at most 64 KiB).</source>
        <translation>文件过大，不可能是根证书（最大 64 KiB）。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="190"/>
        <source>The file does not hold exactly one well-formed SM2 certificate (PEM or DER).</source>
        <translation>该文件不是恰好一个格式正确的 SM2 证书（PEM 或 DER）。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="193"/>
        <source>This certificate is not a certification authority&apos;s: it cannot be a trusted root.</source>
        <translation>此证书不是证书认证机构（CA）的证书，不能作为受信任的根证书。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="196"/>
        <source>This certificate was issued by another authority: only a root (self-issued) can be trusted.</source>
        <translation>此证书由其他机构签发：只有自签发的根证书才能被信任。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="199"/>
        <source>The certificate&apos;s own signature does not verify: it was altered or damaged.</source>
        <translation>证书自身的签名不能通过验证：证书已被篡改或损坏。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="202"/>
        <source>This root certificate has expired.</source>
        <translation>此根证书已过期。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="203"/>
        <source>This root is already in the list.</source>
        <translation>此根证书已在列表中。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="204"/>
        <source>The list is full: remove a root before adding another.</source>
        <translation>列表已满：请先移除一个根证书再添加。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="290"/>
        <source>Something went wrong (%1); the action was not completed.</source>
        <translation>出现问题（%1），操作未完成。</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="305"/>
        <source>Refused (%1).</source>
        <translation>已拒绝（%1）。</translation>
    </message>
</context>
<context>
    <name>RefusedEntriesPanel</name>
    <message>
        <location filename="../../ui/review_refused.py" line="77"/>
        <source>Entries a department&apos;s node refused stay in the outbox and count as waiting to be sent. Read the node&apos;s reason; once the matter is dealt with, set the entry aside (Ctrl+D): it is kept, no longer sent and no longer counted as waiting, and your decision is recorded.</source>
        <translation>被部门节点拒收的记录会留在待发队列中，一直计为“待发”。请阅读节点给出的原因；问题处理完毕后，可将该记录搁置（Ctrl+D）：记录仍予保留，不再发送，也不再计入待发数，您的决定将记入审计。</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="81"/>
        <source>Set aside… (Ctrl+D)</source>
        <translation>搁置…（Ctrl+D）</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="83"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="83"/>
        <source>Entry</source>
        <translation>记录内容</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="83"/>
        <source>Case</source>
        <translation>办件</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="83"/>
        <source>Refused at (Beijing)</source>
        <translation>拒收时间（北京时间）</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="84"/>
        <source>Signed by</source>
        <translation>签名人</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="84"/>
        <source>Node&apos;s reason</source>
        <translation>节点拒收原因</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="84"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="84"/>
        <source>Written at (Beijing)</source>
        <translation>记录时间（北京时间）</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="101"/>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="109"/>
        <source>Unreadable entry</source>
        <translation>无法读取的记录</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="128"/>
        <source>Set aside</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="128"/>
        <source>Waiting for a decision</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="139"/>
        <source>Refused entries waiting for a decision: %1; set aside: %2.</source>
        <translation>%1 条被拒记录待处理；%2 条已搁置。</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="158"/>
        <source>%1 · %2 · signed by %3. The node&apos;s reason: %4</source>
        <translation>%1 · %2 · 签名人 %3。节点拒收原因：%4</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="164"/>
        <source>Set aside by %1 at %2 (Beijing time).</source>
        <translation>已由 %1 于 %2（北京时间）搁置。</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="181"/>
        <source>Set aside the entry “%1” (case %2) signed by %3 at %4 (Beijing time)? The node refused it: %5 It stays kept in the outbox, is no longer sent and no longer counts as waiting. Your decision is recorded.</source>
        <translation>是否搁置 %3 于 %4（北京时间）签名的记录“%1”（办件 %2）？节点拒收原因：%5 该记录仍保留在待发队列中，但不再发送，也不再计入待发数。您的决定将记入审计。</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="193"/>
        <source>Set the entry aside</source>
        <translation>搁置记录</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="195"/>
        <source>Set &amp;aside</source>
        <translation>搁置(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="196"/>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="214"/>
        <source>Set aside: %1.</source>
        <translation>已搁置：%1。</translation>
    </message>
</context>
<context>
    <name>RemediationPanel</name>
    <message>
        <location filename="../../ui/review_remediation.py" line="83"/>
        <source>Item</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="83"/>
        <source>Rating</source>
        <translation>评价</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="83"/>
        <source>Service</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="83"/>
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="83"/>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="84"/>
        <source>Due (Beijing)</source>
        <translation>整改期限（北京时间）</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="84"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="84"/>
        <source>Call-back</source>
        <translation>回访</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="86"/>
        <source>&amp;Record call-back… (Enter on an item)</source>
        <translation>记录回访(&amp;R)…（在条目上按回车）</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="97"/>
        <source>Asking the hall for its remediation items…</source>
        <translation>正在向叫号系统查询整改事项…</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="138"/>
        <source>No hall is configured for this office: there are no remediation items.</source>
        <translation>本办事点未配置办事大厅：没有整改事项。</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="143"/>
        <source>Remediation items: %1; waiting for a call-back: %2, of them overdue: %3.</source>
        <translation>共 %1 项整改，%2 条待回访，其中 %3 条已逾期。</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="167"/>
        <source> (provisional calendar)</source>
        <translation>（暂定日历）</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="171"/>
        <source>Called back</source>
        <translation>已回访</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="173"/>
        <source>Recorded here, not yet at the hall</source>
        <translation>已在本机记录，尚未送达大厅</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="174"/>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="174"/>
        <source>Open</source>
        <translation>待回访</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="179"/>
        <source>resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="179"/>
        <source>not resolved</source>
        <translation>未解决</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="193"/>
        <source>Item %1: %2, %3, window %4, due %5.</source>
        <translation>第 %1 项：%2，%3，窗口 %4，期限 %5。</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="223"/>
        <source>The call-back is recorded and signed; telling the hall…</source>
        <translation>回访已记录并签名，正在通知大厅…</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="230"/>
        <source>The call-back is recorded and signed, and the hall closed the item.</source>
        <translation>回访已记录并签名，大厅已关闭该整改事项。</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="236"/>
        <source>The call-back is recorded and signed at the office, but the hall could not be told (%1). Record the item&apos;s call-back again to send the same record.</source>
        <translation>回访已在本机记录并签名，但未能通知大厅（%1）。请再次记录该事项的回访，将发送同一条记录。</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../ui/review_screen.py" line="242"/>
        <source>Daily review</source>
        <translation>每日审核</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="243"/>
        <source>Day:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="244"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="245"/>
        <source>Clerk:</source>
        <translation>工作人员：</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="245"/>
        <source>Service:</source>
        <translation>服务事项：</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="245"/>
        <source>Verdict:</source>
        <translation>查验结果：</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="246"/>
        <source>Action:</source>
        <translation>操作：</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="249"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="249"/>
        <source>Figures</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="249"/>
        <source>Anomalies</source>
        <translation>异常</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="250"/>
        <source>Integrity</source>
        <translation>完整性</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="253"/>
        <source>Sign the day off (Ctrl+Enter)</source>
        <translation>签署当日审核 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="254"/>
        <source>Export PDF… (Ctrl+P)</source>
        <translation>导出 PDF… (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="255"/>
        <source>Export CSV… (Ctrl+E)</source>
        <translation>导出 CSV… (Ctrl+E)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/review_screen.py" line="407"/>
        <source>Audit chain intact: %n record(s) verified.</source>
        <translation>
            <numerusform>审计链完整：已校验 %n 条记录。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="463"/>
        <source>Sign the day off</source>
        <translation>签署本日</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="256"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="250"/>
        <source>Refused entries</source>
        <translation>被拒记录</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="251"/>
        <source>Hall ratings</source>
        <translation>大厅好差评</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="251"/>
        <source>Call-backs</source>
        <translation>整改回访</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="256"/>
        <source>Explanation</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="256"/>
        <source>Comment</source>
        <translation>确认意见</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="274"/>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="296"/>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="311"/>
        <source>(all)</source>
        <translation>（全部）</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="323"/>
        <source>Actions: %1; anomalies: %2.</source>
        <translation>%1 项操作，%2 项异常。</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="327"/>
        <source>Signed off by %1.</source>
        <translation>已由 %1 签署。</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="327"/>
        <source>Not signed off yet.</source>
        <translation>尚未签署。</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="349"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="349"/>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="349"/>
        <source>Opened</source>
        <translation>受理</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="349"/>
        <source>Advanced</source>
        <translation>推进</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="349"/>
        <source>Closed</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="350"/>
        <source>Rejected</source>
        <translation>驳回</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="350"/>
        <source>Median (min)</source>
        <translation>中位时长(分)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="350"/>
        <source>P90 (min)</source>
        <translation>90%时长(分)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="350"/>
        <source>Verdicts</source>
        <translation>查验</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="351"/>
        <source>Refusals</source>
        <translation>节点拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="351"/>
        <source>Offline (min)</source>
        <translation>离线(分)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="351"/>
        <source>Outbox</source>
        <translation>待发送</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="351"/>
        <source>Set aside</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="372"/>
        <source>No service</source>
        <translation>无具体事项</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="374"/>
        <source>Hourly load per service</source>
        <translation>各服务每小时业务量</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="374"/>
        <source>Others</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="376"/>
        <source>Verdict mix</source>
        <translation>查验结果分布</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="379"/>
        <source>%1: %2 opened, %3 closed, %4 verdicts per day</source>
        <translation>%1：日均受理 %2，办结 %3，查验 %4</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="380"/>
        <source>Day</source>
        <translation>当日</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="380"/>
        <source>Week</source>
        <translation>近7日</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="380"/>
        <source>Month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="408"/>
        <source>Audit chain BROKEN: %1</source>
        <translation>审计链断裂：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="409"/>
        <source>Last signed-off day: %1</source>
        <translation>最近签署日期：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="409"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="410"/>
        <source>Checkpoints held: %1</source>
        <translation>已存检查点：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="411"/>
        <source>Entries of the day included in their logs: %1; pending: %2</source>
        <translation>当日账本记录已收录：%1；待收录：%2</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="413"/>
        <source>Problem: %1</source>
        <translation>问题：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="419"/>
        <source>Audit trail anchored on the department log: records %1; newer records not yet anchored: %2, for %3 h (they are anchored at the next sync)</source>
        <translation>审计记录已在部门账本锚定：%1 条；其后 %2 条尚未锚定，已等待 %3 小时（下次同步时锚定）</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="452"/>
        <source>You sign off %1 for this office: the work recorded up to %2 (Beijing time), with your comments (actions: %3, anomalies: %4). Work recorded after this is shown as “after sign-off” in the next review. Sign now?</source>
        <translation>您将签署本窗口 %1 的审核：截至北京时间 %2 记录的工作，共 %3 项操作、%4 项异常（附您的意见）。此后记录的工作将在下次审核中标为“签署后操作”。现在签署吗？</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="465"/>
        <source>&amp;Sign</source>
        <translation>签署(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="466"/>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="490"/>
        <source>Signed off. Ledger entry %1.</source>
        <translation>已签署。账本记录 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="499"/>
        <source>PDF report (*.pdf)</source>
        <translation>PDF 报告 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="499"/>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="500"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="541"/>
        <source>Written: %1</source>
        <translation>已写入：%1</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../ui/role_names.py" line="11"/>
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <location filename="../../ui/role_names.py" line="12"/>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../ui/role_names.py" line="13"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>RootConfirmation</name>
    <message>
        <location filename="../../ui/root_confirmation.py" line="48"/>
        <source>Trust this root certificate?</source>
        <translation>信任此根证书？</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="48"/>
        <source>Stop trusting this root?</source>
        <translation>不再信任此根证书？</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="53"/>
        <source>List</source>
        <translation>列表</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="54"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="55"/>
        <source>Subject</source>
        <translation>主体</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="56"/>
        <source>Issuer</source>
        <translation>签发者</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="57"/>
        <source>Serial number</source>
        <translation>序列号</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="58"/>
        <source>Valid from</source>
        <translation>生效时间</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="59"/>
        <source>Valid until</source>
        <translation>失效时间</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="60"/>
        <source>SM3 fingerprint</source>
        <translation>SM3 指纹</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="61"/>
        <source>SHA-256 fingerprint</source>
        <translation>SHA-256 指纹</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="64"/>
        <source>Added</source>
        <translation>添加记录</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="77"/>
        <source>Compare the fingerprint with the one the issuing authority gave you on paper or by phone. Only then trust the root: every certificate it signs will be accepted. The change is recorded in the audit trail under your name.</source>
        <translation>请将指纹与签发机构以书面或电话方式提供的指纹逐一核对，核对一致后再信任此根证书：它签发的所有证书都将被接受。此项变更将以您的名义记入审计日志。</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="83"/>
        <source>Certificates signed under this root will no longer be accepted at this office. The change is recorded in the audit trail under your name.</source>
        <translation>本机构将不再接受此根证书下签发的证书。此项变更将以您的名义记入审计日志。</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="90"/>
        <source>I have compared the fingerprint and it matches.</source>
        <translation>我已核对指纹，完全一致。</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="92"/>
        <source>I want this office to stop trusting this root.</source>
        <translation>我确认本机构不再信任此根证书。</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="98"/>
        <source>Where the root came from (optional)</source>
        <translation>根证书来源（选填）</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="102"/>
        <source>&amp;Trust this root</source>
        <translation>信任此根证书(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="102"/>
        <source>&amp;Stop trusting</source>
        <translation>不再信任(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="106"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ScanPreview</name>
    <message>
        <location filename="../../ui/scan_preview.py" line="84"/>
        <source>Starting camera…</source>
        <translation>正在启动摄像头…</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="116"/>
        <source>Camera ready</source>
        <translation>摄像头就绪</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="117"/>
        <source>Camera unavailable, retrying: %1</source>
        <translation>摄像头不可用，正在重试：%1</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="118"/>
        <source>Camera lost, reconnecting: %1</source>
        <translation>摄像头断开，正在重连：%1</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="119"/>
        <source>Camera reconnected</source>
        <translation>摄像头已重新连接</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="120"/>
        <source>End of input</source>
        <translation>输入结束</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="122"/>
        <source>Camera: %1</source>
        <translation>摄像头：%1</translation>
    </message>
</context>
<context>
    <name>ServicePicker</name>
    <message>
        <location filename="../../ui/service_picker.py" line="62"/>
        <source>Find a service: 户口迁入, hkqr or transfer</source>
        <translation>查找事项：户口迁入、hkqr 或 transfer</translation>
    </message>
    <message>
        <location filename="../../ui/service_picker.py" line="75"/>
        <source>The service catalogue cannot be read: %1</source>
        <translation>无法读取事项目录：%1</translation>
    </message>
    <message>
        <location filename="../../ui/service_picker.py" line="81"/>
        <source>Loading the service catalogue…</source>
        <translation>正在加载事项目录…</translation>
    </message>
    <message>
        <location filename="../../ui/service_picker.py" line="94"/>
        <source>%1 services; type Chinese, pinyin initials or English.</source>
        <translation>共 %1 项事项；可输入中文、拼音首字母或英文。</translation>
    </message>
    <message>
        <location filename="../../ui/service_picker.py" line="97"/>
        <source>No service matches.</source>
        <translation>没有匹配的事项。</translation>
    </message>
    <message>
        <location filename="../../ui/service_picker.py" line="99"/>
        <source>%1 found; Enter picks the first.</source>
        <translation>找到 %1 项；按回车选择第一项。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="48"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="57"/>
        <source>&amp;Test camera</source>
        <translation>测试摄像头(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="69"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="74"/>
        <source>Standard: accept when the issuer&apos;s data is fresh enough</source>
        <translation>标准：签发机关数据足够新即可受理</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="75"/>
        <source>Strict: also require witness cosignatures</source>
        <translation>严格：另需见证方联署</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="84"/>
        <source>Only an administrator may change the nodes, the trust policy and the queue system.</source>
        <translation>只有管理员可以更改部门节点、信任策略和叫号系统。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="95"/>
        <source>Camera source</source>
        <translation>摄像头来源</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="97"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="98"/>
        <source>Lock after idle</source>
        <translation>空闲自动锁屏</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="99"/>
        <source>Department nodes
(origin URL, one per line)</source>
        <translation>部门节点
（每行：日志标识 网址）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="100"/>
        <source>Trust policy</source>
        <translation>信任策略</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="101"/>
        <source>Queue system (hall) URL</source>
        <translation>叫号系统（大厅）地址</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="102"/>
        <source>This counter&apos;s hall key file</source>
        <translation>本窗口的叫号密钥文件</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="104"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="105"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="148"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <location filename="../../ui/status_panel.py" line="48"/>
        <source>Cancel sync</source>
        <translation>取消同步</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="82"/>
        <source>Nodes: %1</source>
        <translation>节点：%1</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="82"/>
        <source>none configured</source>
        <translation>未配置</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="85"/>
        <source>Nodes %1/%2 online %3</source>
        <translation>节点 %1/%2 在线 %3</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="90"/>
        <source>● online   ○ offline   ◌ not yet contacted</source>
        <translation>● 在线   ○ 离线   ◌ 尚未连接</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="94"/>
        <source>Last sync: never in this session</source>
        <translation>上次同步：本次登录尚未同步</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="98"/>
        <source>Last sync: %1</source>
        <translation>上次同步：%1</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="100"/>
        <source>Outbox: %1 waiting</source>
        <translation>待发：%1 条</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="109"/>
        <source>Syncing %1: %p%</source>
        <translation>正在同步 %1：%p%</translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <location filename="../../ui/review_screen.py" line="96"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="96"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="96"/>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="96"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="96"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="97"/>
        <source>Case</source>
        <translation>办件</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="97"/>
        <source>Service</source>
        <translation>服务事项</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="97"/>
        <source>Verdict</source>
        <translation>查验结果</translation>
    </message>
</context>
<context>
    <name>TrustRootsScreen</name>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="51"/>
        <source>Trusted root certificates</source>
        <translation>受信任的根证书</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="60"/>
        <source>Roots are not taken from the ledger: a department cannot vouch for the root that certifies it. Add a root only from a file your administration handed you, and compare its fingerprint.</source>
        <translation>根证书不取自账本：部门不能为认证其自身的根证书作保。只能添加主管部门交付的根证书文件，并核对其指纹。</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="68"/>
        <source>Department roots (certify department node keys)</source>
        <translation>部门根证书（认证各部门节点密钥）</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="69"/>
        <source>Seal and e-invoice roots (certify seals and e-documents)</source>
        <translation>电子印章与电子发票根证书（认证印章与电子文件）</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="73"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="73"/>
        <source>SM3 fingerprint</source>
        <translation>SM3 指纹</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="73"/>
        <source>Valid until</source>
        <translation>失效时间</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="73"/>
        <source>Added by</source>
        <translation>添加人</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="73"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="80"/>
        <source>&amp;Add from file…</source>
        <translation>从文件添加(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="82"/>
        <source>&amp;Remove…</source>
        <translation>移除(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="118"/>
        <source>Nothing was changed: %1</source>
        <translation>未作更改：%1</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="147"/>
        <source>Root certificate file</source>
        <translation>根证书文件</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="149"/>
        <source>Certificates (*.pem *.crt *.cer *.der)</source>
        <translation>证书 (*.pem *.crt *.cer *.der)</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="149"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="157"/>
        <source>Checking the certificate…</source>
        <translation>正在检查证书…</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="171"/>
        <source>Not added.</source>
        <translation>未添加。</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="173"/>
        <source>Trusted: %1</source>
        <translation>已信任：%1</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="184"/>
        <source>%1 by %2</source>
        <translation>%2 于 %1</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="191"/>
        <source>Not removed.</source>
        <translation>未移除。</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="193"/>
        <source>No longer trusted: %1</source>
        <translation>已不再信任：%1</translation>
    </message>
</context>
<context>
    <name>VerdictCard</name>
    <message>
        <location filename="../../ui/verdict_card.py" line="22"/>
        <source>its data is damaged or incomplete</source>
        <translation>数据已损坏或不完整</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="43"/>
        <source>Valid: accept the certificate</source>
        <translation>有效：可以受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="44"/>
        <source>Expired: do not accept</source>
        <translation>已过期：不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="45"/>
        <source>Not yet valid</source>
        <translation>尚未生效</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="46"/>
        <source>Revoked: do not accept</source>
        <translation>已撤销：不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="47"/>
        <source>Unknown issuer: do not accept</source>
        <translation>签发机关未知：不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="48"/>
        <source>Forged or altered: do not accept</source>
        <translation>伪造或被篡改：不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="49"/>
        <source>Signed by the wrong key: do not accept</source>
        <translation>签名密钥不符：不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="50"/>
        <source>Not a readable certificate</source>
        <translation>无法识别的证书</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="51"/>
        <source>Cannot verify offline: sync first</source>
        <translation>离线无法核验：请先同步</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="58"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="59"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="60"/>
        <source>Relation to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="61"/>
        <source>Credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="62"/>
        <source>Business scope</source>
        <translation>经营范围</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="63"/>
        <source>Period</source>
        <translation>所属期</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="64"/>
        <source>Property unit</source>
        <translation>不动产单元号</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="65"/>
        <source>Share</source>
        <translation>份额</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="66"/>
        <source>Spouse</source>
        <translation>配偶</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="67"/>
        <source>Registered on</source>
        <translation>登记日期</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="104"/>
        <source>Verification failed</source>
        <translation>核验失败</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="123"/>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="125"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="126"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="135"/>
        <source>No certificate scanned yet</source>
        <translation>尚未扫描证照</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="136"/>
        <source>Hold the citizen&apos;s QR code up to the camera (F3 focuses the camera panel).</source>
        <translation>请申请人将二维码对准摄像头（F3 转到扫码区）。</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="142"/>
        <source>Cannot verify: the issuer&apos;s log is under a fork alarm</source>
        <translation>无法核验：签发部门的日志处于分叉警报中</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="149"/>
        <source>Certificate</source>
        <translation>证照</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="155"/>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="157"/>
        <source>Serial</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="159"/>
        <source>The replica holds no data from this issuer.</source>
        <translation>本网点副本没有该签发机关的数据。</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="161"/>
        <source>Based on replica data synced just now.</source>
        <translation>依据刚刚同步的副本数据。</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="164"/>
        <source>Based on replica data synced %1 ago.</source>
        <translation>依据 %1前同步的副本数据。</translation>
    </message>
</context>
</TS>
