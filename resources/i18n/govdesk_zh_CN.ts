<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CaseForm</name>
    <message>
        <location filename="../../ui/case_form.py" line="39"/>
        <source>Opened</source>
        <translation>已受理</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="40"/>
        <source>Documents verified</source>
        <translation>材料已核验</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="41"/>
        <source>In progress</source>
        <translation>办理中</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="42"/>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="43"/>
        <source>Closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="44"/>
        <source>Rejected</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="45"/>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="143"/>
        <source>Ser&amp;vice</source>
        <translation>办理事项(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="144"/>
        <source>Chosen</source>
        <translation>已选事项</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="145"/>
        <source>Citizen &amp;name</source>
        <translation>申请人姓名(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="146"/>
        <source>&amp;ID number</source>
        <translation>身份证号(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="147"/>
        <source>No&amp;tes</source>
        <translation>备注(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="148"/>
        <source>Certificates</source>
        <translation>所需证照</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="149"/>
        <source>Steps</source>
        <translation>办理环节</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="211"/>
        <source>Next: %1, done by %2 — not at this counter.</source>
        <translation>下一步：%1，由%2办理——不在本窗口办理。</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="219"/>
        <source>Open the case</source>
        <translation>受理</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="220"/>
        <source>Verify the certificates</source>
        <translation>核验证照</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="221"/>
        <source>Approve (supervisor)</source>
        <translation>审批（主管）</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="222"/>
        <source>Hand over and close</source>
        <translation>发证办结</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="242"/>
        <source>Choose a service: its required certificates are listed here.</source>
        <translation>请先选择事项：所需证照列在此处。</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="248"/>
        <source>not scanned yet</source>
        <translation>尚未扫描</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="318"/>
        <source>Choose a service and fill in the citizen&apos;s name and ID number first.</source>
        <translation>请先选择事项并填写群众姓名和身份证号。</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="153"/>
        <source>Open case (Ctrl+S)</source>
        <translation>受理 (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="154"/>
        <source>New form (Ctrl+N)</source>
        <translation>新办件 (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="173"/>
        <source>No service chosen yet: search above.</source>
        <translation>尚未选择事项：请在上方搜索。</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="178"/>
        <source>%1 · led by %2 · time limit %3 days</source>
        <translation>%1 · 牵头部门：%2 · 办理时限 %3 天</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="184"/>
        <source>New case</source>
        <translation>新办件</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="195"/>
        <source>Verify documents (Ctrl+Enter)</source>
        <translation>核验材料 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="197"/>
        <source>Approve (Ctrl+Enter)</source>
        <translation>审批通过 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="199"/>
        <source>Hand over and close (Ctrl+Enter)</source>
        <translation>发证办结 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="200"/>
        <source>Done: %1 (Ctrl+Enter)</source>
        <translation>完成：%1 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="206"/>
        <source>Next step (Ctrl+Enter)</source>
        <translation>下一步 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="187"/>
        <source>Case %1 · %2</source>
        <translation>办件 %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="367"/>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="373"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <location filename="../../ui/case_panel.py" line="82"/>
        <source>Open cases</source>
        <translation>在办事项</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="83"/>
        <source>Find a case (Ctrl+F)</source>
        <translation>查找办件 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="84"/>
        <source>Case number, certificate serial, ID number or name</source>
        <translation>办件编号、证照编号、身份证号或姓名</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="85"/>
        <source>Search</source>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="86"/>
        <source>Cases of the scanned certificate</source>
        <translation>查找所扫证照的办件</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="87"/>
        <source>Tasks from sync</source>
        <translation>同步返回的待办</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="129"/>
        <source>No case found.</source>
        <translation>未找到办件。</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="131"/>
        <source>%1 found; Enter opens one.</source>
        <translation>找到 %1 件；按回车打开。</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="138"/>
        <source>Search failed: %1</source>
        <translation>查找失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="145"/>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="145"/>
        <source>Refused by the node</source>
        <translation>节点拒绝</translation>
    </message>
</context>
<context>
    <name>CounterScreen</name>
    <message>
        <location filename="../../ui/counter_screen.py" line="80"/>
        <source>Camera and verdict (F3)</source>
        <translation>扫码与核验结果 (F3)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="81"/>
        <source>Case</source>
        <translation>办件</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="83"/>
        <source>Codes are read as soon as they are in view; the green outline shows what was read.</source>
        <translation>二维码进入画面即自动识读；绿色边框标出已识读的码。</translation>
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
    <name>LoginScreen</name>
    <message>
        <location filename="../../ui/login_screen.py" line="91"/>
        <source>&amp;Account</source>
        <translation>账号(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="93"/>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="96"/>
        <source>Log in to start serving citizens.</source>
        <translation>登录后开始办理业务。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="97"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="100"/>
        <source>Locked. %1 (%2) is logged in; unsaved work is kept.</source>
        <translation>已锁屏。当前登录：%1（%2）；未保存的工作已保留。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="104"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="105"/>
        <source>Log out instead (unsaved work is discarded)</source>
        <translation>改为退出登录（未保存的工作将丢弃）</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="133"/>
        <source>Type your account name and password.</source>
        <translation>请输入账号和密码。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="157"/>
        <source>Wrong password. Check the keyboard layout and Caps Lock, then try again.</source>
        <translation>密码错误。请检查输入法和大写锁定键后重试。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="162"/>
        <source>a supervisor resets the password</source>
        <translation>主管重置密码</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="164"/>
        <source>Too many wrong passwords: this account is locked until %1.</source>
        <translation>密码错误次数过多：此账号已锁定，直至%1。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="166"/>
        <source>No account of that name may log in on this machine. Check the spelling.</source>
        <translation>本机没有可登录的该账号，请检查拼写。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="168"/>
        <source>This account has been disabled. Ask your supervisor.</source>
        <translation>此账号已停用，请联系主管。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="170"/>
        <source>The office data on this machine is damaged or was replaced. Call IT support: %1</source>
        <translation>本机的网点数据已损坏或被替换。请联系技术支持：%1</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="174"/>
        <source>No office is set up in this folder.</source>
        <translation>此文件夹中没有网点数据。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="175"/>
        <source>Cannot log in: %1</source>
        <translation>无法登录：%1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="119"/>
        <source>govdesk · %1</source>
        <translation>政务窗口 · %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="120"/>
        <source>&amp;Counter</source>
        <translation>窗口(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="122"/>
        <source>Lock screen</source>
        <translation>锁屏</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="123"/>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="124"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="125"/>
        <source>Switch language (中文 / English)</source>
        <translation>切换语言（中文 / English）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="126"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="127"/>
        <source>Find a case</source>
        <translation>查找办件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="128"/>
        <source>Go to the camera</source>
        <translation>转到扫码区</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="129"/>
        <source>Go to the open cases</source>
        <translation>转到在办事项</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="130"/>
        <source>New case form</source>
        <translation>新办件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="131"/>
        <source>Open the case</source>
        <translation>受理办件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="132"/>
        <source>Next step of the case</source>
        <translation>办件下一步</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="139"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="286"/>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="290"/>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="314"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="320"/>
        <source>No trust policy: an admin sets the department nodes first.</source>
        <translation>尚无信任策略：请管理员先设置部门节点。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="338"/>
        <source>Sync cancelled.</source>
        <translation>同步已取消。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="341"/>
        <source>Sync finished with problems: {0} of {1} logs could not be synced (see the nodes).</source>
        <translation>同步完成，但有问题：{1} 个日志中有 {0} 个未能同步（请查看节点状态）。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="346"/>
        <source>Sync finished.</source>
        <translation>同步完成。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="133"/>
        <source>Daily review…</source>
        <translation>每日审核…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="257"/>
        <source>Only supervisors and admins review the day.</source>
        <translation>只有主管和管理员可以审核当日记录。</translation>
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
    <name>ReviewScreen</name>
    <message>
        <location filename="../../ui/review_screen.py" line="168"/>
        <source>Daily review</source>
        <translation>每日审核</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="169"/>
        <source>Day:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="170"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="171"/>
        <source>Clerk:</source>
        <translation>工作人员：</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="171"/>
        <source>Service:</source>
        <translation>服务事项：</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="171"/>
        <source>Verdict:</source>
        <translation>查验结果：</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="172"/>
        <source>Action:</source>
        <translation>操作：</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="175"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="175"/>
        <source>Figures</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="175"/>
        <source>Anomalies</source>
        <translation>异常</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="176"/>
        <source>Integrity</source>
        <translation>完整性</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="178"/>
        <source>Sign the day off</source>
        <translation>签署本日</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="179"/>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="180"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="181"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="181"/>
        <source>Explanation</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="181"/>
        <source>Comment</source>
        <translation>确认意见</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="199"/>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="214"/>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="229"/>
        <source>(all)</source>
        <translation>（全部）</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="241"/>
        <source>%1 actions, %2 anomalies.</source>
        <translation>%1 项操作，%2 项异常。</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="245"/>
        <source>Signed off by %1.</source>
        <translation>已由 %1 签署。</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="245"/>
        <source>Not signed off yet.</source>
        <translation>尚未签署。</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="258"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="258"/>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="258"/>
        <source>Opened</source>
        <translation>受理</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="258"/>
        <source>Advanced</source>
        <translation>推进</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="258"/>
        <source>Closed</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="259"/>
        <source>Rejected</source>
        <translation>驳回</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="259"/>
        <source>Median (min)</source>
        <translation>中位时长(分)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="259"/>
        <source>P90 (min)</source>
        <translation>90%时长(分)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="259"/>
        <source>Verdicts</source>
        <translation>查验</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="260"/>
        <source>Refusals</source>
        <translation>节点拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="260"/>
        <source>Offline (min)</source>
        <translation>离线(分)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="260"/>
        <source>Outbox</source>
        <translation>待发送</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="279"/>
        <source>Hourly load per service</source>
        <translation>各服务每小时业务量</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="279"/>
        <source>Others</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="280"/>
        <source>Verdict mix</source>
        <translation>查验结果分布</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="283"/>
        <source>%1: %2 opened, %3 closed, %4 verdicts per day</source>
        <translation>%1：日均受理 %2，办结 %3，查验 %4</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="284"/>
        <source>Day</source>
        <translation>当日</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="284"/>
        <source>Week</source>
        <translation>近7日</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="284"/>
        <source>Month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="311"/>
        <source>Audit chain intact: %1 records verified.</source>
        <translation>审计链完整：已校验 %1 条记录。</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="312"/>
        <source>Audit chain BROKEN: %1</source>
        <translation>审计链断裂：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="313"/>
        <source>Last signed-off day: %1</source>
        <translation>最近签署日期：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="313"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="314"/>
        <source>Checkpoints held: %1</source>
        <translation>已存检查点：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="315"/>
        <source>Entries of the day included in their logs: %1; pending: %2</source>
        <translation>当日账本记录已收录：%1；待收录：%2</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="317"/>
        <source>Problem: %1</source>
        <translation>问题：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="323"/>
        <source>Audit trail anchored on the department log: %1 records; %2 newer records not yet anchored, for %3 h (they are anchored at the next sync)</source>
        <translation>审计记录已在部门账本锚定：%1 条；其后 %2 条尚未锚定，已等待 %3 小时（下次同步时锚定）</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="355"/>
        <source>Signed off. Ledger entry %1.</source>
        <translation>已签署。账本记录 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="363"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="386"/>
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
    <name>ScanPreview</name>
    <message>
        <location filename="../../ui/scan_preview.py" line="81"/>
        <source>Starting camera…</source>
        <translation>正在启动摄像头…</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="102"/>
        <source>Camera ready</source>
        <translation>摄像头就绪</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="103"/>
        <source>Camera unavailable, retrying: %1</source>
        <translation>摄像头不可用，正在重试：%1</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="104"/>
        <source>Camera lost, reconnecting: %1</source>
        <translation>摄像头断开，正在重连：%1</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="105"/>
        <source>Camera reconnected</source>
        <translation>摄像头已重新连接</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="106"/>
        <source>End of input</source>
        <translation>输入结束</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="108"/>
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
        <location filename="../../ui/settings_dialog.py" line="79"/>
        <source>Only an administrator may change the nodes and the trust policy.</source>
        <translation>只有管理员可以修改节点和信任策略。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="89"/>
        <source>Camera source</source>
        <translation>摄像头来源</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="91"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="92"/>
        <source>Lock after idle</source>
        <translation>空闲自动锁屏</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="93"/>
        <source>Department nodes
(origin URL, one per line)</source>
        <translation>部门节点
（每行：日志标识 网址）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="94"/>
        <source>Trust policy</source>
        <translation>信任策略</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="96"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="97"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="138"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <location filename="../../ui/status_panel.py" line="49"/>
        <source>Cancel sync</source>
        <translation>取消同步</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="83"/>
        <source>Nodes: %1</source>
        <translation>节点：%1</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="83"/>
        <source>none configured</source>
        <translation>未配置</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="86"/>
        <source>Nodes %1/%2 online %3</source>
        <translation>节点 %1/%2 在线 %3</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="91"/>
        <source>● online   ○ offline   ◌ not yet contacted</source>
        <translation>● 在线   ○ 离线   ◌ 尚未连接</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="95"/>
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
        <location filename="../../ui/review_screen.py" line="80"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="80"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="80"/>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="80"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="80"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="81"/>
        <source>Case</source>
        <translation>办件</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="81"/>
        <source>Service</source>
        <translation>服务事项</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="81"/>
        <source>Verdict</source>
        <translation>查验结果</translation>
    </message>
</context>
<context>
    <name>VerdictCard</name>
    <message>
        <location filename="../../ui/verdict_card.py" line="35"/>
        <source>Valid: accept the certificate</source>
        <translation>有效：可以受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="36"/>
        <source>Expired: do not accept</source>
        <translation>已过期：不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="37"/>
        <source>Not yet valid</source>
        <translation>尚未生效</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="38"/>
        <source>Revoked: do not accept</source>
        <translation>已撤销：不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="39"/>
        <source>Unknown issuer: do not accept</source>
        <translation>签发机关未知：不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="40"/>
        <source>Forged or altered: do not accept</source>
        <translation>伪造或被篡改：不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="41"/>
        <source>Signed by the wrong key: do not accept</source>
        <translation>签名密钥不符：不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="42"/>
        <source>Not a readable certificate</source>
        <translation>无法识别的证书</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="43"/>
        <source>Cannot verify offline: sync first</source>
        <translation>离线无法核验：请先同步</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="50"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="51"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="52"/>
        <source>Relation to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="53"/>
        <source>Credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="54"/>
        <source>Business scope</source>
        <translation>经营范围</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="55"/>
        <source>Period</source>
        <translation>所属期</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="56"/>
        <source>Property unit</source>
        <translation>不动产单元号</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="57"/>
        <source>Share</source>
        <translation>份额</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="58"/>
        <source>Spouse</source>
        <translation>配偶</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="59"/>
        <source>Registered on</source>
        <translation>登记日期</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="113"/>
        <source>Verification failed</source>
        <translation>核验失败</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="146"/>
        <source>No certificate scanned yet</source>
        <translation>尚未扫描证照</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="147"/>
        <source>Hold the citizen&apos;s QR code up to the camera (F3 focuses the camera panel).</source>
        <translation>请申请人将二维码对准摄像头（F3 转到扫码区）。</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="153"/>
        <source>Cannot verify: the issuer&apos;s log is under a fork alarm</source>
        <translation>无法核验：签发部门的日志处于分叉警报中</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="160"/>
        <source>Certificate</source>
        <translation>证照</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="164"/>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="166"/>
        <source>Serial</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="168"/>
        <source>The replica holds no data from this issuer.</source>
        <translation>本网点副本没有该签发机关的数据。</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="171"/>
        <source>Based on replica data synced %1 ago.</source>
        <translation>依据 %1 前同步的副本数据。</translation>
    </message>
</context>
</TS>
