<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CaseForm</name>
    <message>
        <location filename="../../ui/case_form.py" line="39"/>
        <source>Opened</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="40"/>
        <source>Documents verified</source>
        <translation>Documents verified</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="41"/>
        <source>In progress</source>
        <translation>In progress</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="42"/>
        <source>Approved</source>
        <translation>Approved</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="43"/>
        <source>Closed</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="44"/>
        <source>Rejected</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="45"/>
        <source>Withdrawn</source>
        <translation>Withdrawn</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="143"/>
        <source>Ser&amp;vice</source>
        <translation>Ser&amp;vice</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="144"/>
        <source>Chosen</source>
        <translation>Chosen</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="145"/>
        <source>Citizen &amp;name</source>
        <translation>Citizen &amp;name</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="146"/>
        <source>&amp;ID number</source>
        <translation>&amp;ID number</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="147"/>
        <source>No&amp;tes</source>
        <translation>No&amp;tes</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="148"/>
        <source>Certificates</source>
        <translation>Certificates</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="149"/>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="211"/>
        <source>Next: %1, done by %2 — not at this counter.</source>
        <translation>Next: %1, done by %2 — not at this counter.</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="219"/>
        <source>Open the case</source>
        <translation>Open the case</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="220"/>
        <source>Verify the certificates</source>
        <translation>Verify the certificates</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="221"/>
        <source>Approve (supervisor)</source>
        <translation>Approve (supervisor)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="222"/>
        <source>Hand over and close</source>
        <translation>Hand over and close</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="242"/>
        <source>Choose a service: its required certificates are listed here.</source>
        <translation>Choose a service: its required certificates are listed here.</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="248"/>
        <source>not scanned yet</source>
        <translation>not scanned yet</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="318"/>
        <source>Choose a service and fill in the citizen&apos;s name and ID number first.</source>
        <translation>Choose a service and fill in the citizen&apos;s name and ID number first.</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="153"/>
        <source>Open case (Ctrl+S)</source>
        <translation>Open case (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="154"/>
        <source>New form (Ctrl+N)</source>
        <translation>New form (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="173"/>
        <source>No service chosen yet: search above.</source>
        <translation>No service chosen yet: search above.</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="178"/>
        <source>%1 · led by %2 · time limit %3 days</source>
        <translation>%1 · led by %2 · time limit %3 days</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="184"/>
        <source>New case</source>
        <translation>New case</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="195"/>
        <source>Verify documents (Ctrl+Enter)</source>
        <translation>Verify documents (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="197"/>
        <source>Approve (Ctrl+Enter)</source>
        <translation>Approve (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="199"/>
        <source>Hand over and close (Ctrl+Enter)</source>
        <translation>Hand over and close (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="200"/>
        <source>Done: %1 (Ctrl+Enter)</source>
        <translation>Done: %1 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="206"/>
        <source>Next step (Ctrl+Enter)</source>
        <translation>Next step (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="187"/>
        <source>Case %1 · %2</source>
        <translation>Case %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="367"/>
        <source>Saved: %1</source>
        <translation>Saved: %1</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="373"/>
        <source>Not saved: %1</source>
        <translation>Not saved: %1</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <location filename="../../ui/case_panel.py" line="82"/>
        <source>Open cases</source>
        <translation>Open cases</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="83"/>
        <source>Find a case (Ctrl+F)</source>
        <translation>Find a case (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="84"/>
        <source>Case number, certificate serial, ID number or name</source>
        <translation>Case number, certificate serial, ID number or name</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="85"/>
        <source>Search</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="86"/>
        <source>Cases of the scanned certificate</source>
        <translation>Cases of the scanned certificate</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="87"/>
        <source>Tasks from sync</source>
        <translation>Tasks from sync</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="129"/>
        <source>No case found.</source>
        <translation>No case found.</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="131"/>
        <source>%1 found; Enter opens one.</source>
        <translation>%1 found; Enter opens one.</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="138"/>
        <source>Search failed: %1</source>
        <translation>Search failed: %1</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="145"/>
        <source>Conflict</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="145"/>
        <source>Refused by the node</source>
        <translation>Refused by the node</translation>
    </message>
</context>
<context>
    <name>CounterScreen</name>
    <message>
        <location filename="../../ui/counter_screen.py" line="80"/>
        <source>Camera and verdict (F3)</source>
        <translation>Camera and verdict (F3)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="81"/>
        <source>Case</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="83"/>
        <source>Codes are read as soon as they are in view; the green outline shows what was read.</source>
        <translation>Codes are read as soon as they are in view; the green outline shows what was read.</translation>
    </message>
</context>
<context>
    <name>ForkAlarmBar</name>
    <message>
        <location filename="../../ui/status_panel.py" line="163"/>
        <source>I have told the supervisor</source>
        <translation>I have told the supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="168"/>
        <source>ALARM: the log of %1 showed two different histories. Its data is no longer trusted and certificates from it cannot be accepted. Evidence has been kept. Tell your supervisor now.</source>
        <translation>ALARM: the log of %1 showed two different histories. Its data is no longer trusted and certificates from it cannot be accepted. Evidence has been kept. Tell your supervisor now.</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <location filename="../../ui/login_screen.py" line="91"/>
        <source>&amp;Account</source>
        <translation>&amp;Account</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="93"/>
        <source>&amp;Password</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="96"/>
        <source>Log in to start serving citizens.</source>
        <translation>Log in to start serving citizens.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="97"/>
        <source>Log in</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="100"/>
        <source>Locked. %1 (%2) is logged in; unsaved work is kept.</source>
        <translation>Locked. %1 (%2) is logged in; unsaved work is kept.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="104"/>
        <source>Unlock</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="105"/>
        <source>Log out instead (unsaved work is discarded)</source>
        <translation>Log out instead (unsaved work is discarded)</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="133"/>
        <source>Type your account name and password.</source>
        <translation>Type your account name and password.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="157"/>
        <source>Wrong password. Check the keyboard layout and Caps Lock, then try again.</source>
        <translation>Wrong password. Check the keyboard layout and Caps Lock, then try again.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="162"/>
        <source>a supervisor resets the password</source>
        <translation>a supervisor resets the password</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="164"/>
        <source>Too many wrong passwords: this account is locked until %1.</source>
        <translation>Too many wrong passwords: this account is locked until %1.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="166"/>
        <source>No account of that name may log in on this machine. Check the spelling.</source>
        <translation>No account of that name may log in on this machine. Check the spelling.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="168"/>
        <source>This account has been disabled. Ask your supervisor.</source>
        <translation>This account has been disabled. Ask your supervisor.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="170"/>
        <source>The office data on this machine is damaged or was replaced. Call IT support: %1</source>
        <translation>The office data on this machine is damaged or was replaced. Call IT support: %1</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="174"/>
        <source>No office is set up in this folder.</source>
        <translation>No office is set up in this folder.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="175"/>
        <source>Cannot log in: %1</source>
        <translation>Cannot log in: %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="119"/>
        <source>govdesk · %1</source>
        <translation>govdesk · %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="120"/>
        <source>&amp;Counter</source>
        <translation>&amp;Counter</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="122"/>
        <source>Lock screen</source>
        <translation>Lock screen</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="123"/>
        <source>Log out</source>
        <translation>Log out</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="124"/>
        <source>Settings…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="125"/>
        <source>Switch language (中文 / English)</source>
        <translation>Switch language (中文 / English)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="126"/>
        <source>Sync now</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="127"/>
        <source>Find a case</source>
        <translation>Find a case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="128"/>
        <source>Go to the camera</source>
        <translation>Go to the camera</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="129"/>
        <source>Go to the open cases</source>
        <translation>Go to the open cases</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="130"/>
        <source>New case form</source>
        <translation>New case form</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="131"/>
        <source>Open the case</source>
        <translation>Open the case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="132"/>
        <source>Next step of the case</source>
        <translation>Next step of the case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="139"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="286"/>
        <source>Settings saved.</source>
        <translation>Settings saved.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="290"/>
        <source>Error: %1</source>
        <translation>Error: %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="314"/>
        <source>Syncing…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="320"/>
        <source>No trust policy: an admin sets the department nodes first.</source>
        <translation>No trust policy: an admin sets the department nodes first.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="338"/>
        <source>Sync cancelled.</source>
        <translation>Sync cancelled.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="341"/>
        <source>Sync finished with problems: {0} of {1} logs could not be synced (see the nodes).</source>
        <translation>Sync finished with problems: {0} of {1} logs could not be synced (see the nodes).</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="346"/>
        <source>Sync finished.</source>
        <translation>Sync finished.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="133"/>
        <source>Daily review…</source>
        <translation>Daily review…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="257"/>
        <source>Only supervisors and admins review the day.</source>
        <translation>Only supervisors and admins review the day.</translation>
    </message>
</context>
<context>
    <name>OfflineBanner</name>
    <message>
        <location filename="../../ui/status_panel.py" line="132"/>
        <source>Offline: no department node answers. Still works: scanning and verifying certificates against this office&apos;s replica, opening and advancing cases (queued in the outbox). Does not work: new revocations, data from other departments, sending the outbox. Certificates whose data is too old show amber.</source>
        <translation>Offline: no department node answers. Still works: scanning and verifying certificates against this office&apos;s replica, opening and advancing cases (queued in the outbox). Does not work: new revocations, data from other departments, sending the outbox. Certificates whose data is too old show amber.</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../ui/review_screen.py" line="168"/>
        <source>Daily review</source>
        <translation>Daily review</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="169"/>
        <source>Day:</source>
        <translation>Day:</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="170"/>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="171"/>
        <source>Clerk:</source>
        <translation>Clerk:</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="171"/>
        <source>Service:</source>
        <translation>Service:</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="171"/>
        <source>Verdict:</source>
        <translation>Verdict:</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="172"/>
        <source>Action:</source>
        <translation>Action:</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="175"/>
        <source>Timeline</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="175"/>
        <source>Figures</source>
        <translation>Figures</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="175"/>
        <source>Anomalies</source>
        <translation>Anomalies</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="176"/>
        <source>Integrity</source>
        <translation>Integrity</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="178"/>
        <source>Sign the day off</source>
        <translation>Sign the day off</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="179"/>
        <source>Export PDF…</source>
        <translation>Export PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="180"/>
        <source>Export CSV…</source>
        <translation>Export CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="181"/>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="181"/>
        <source>Explanation</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="181"/>
        <source>Comment</source>
        <translation>Comment</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="199"/>
        <source>Opening %1…</source>
        <translation>Opening %1…</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="214"/>
        <source>Error: %1</source>
        <translation>Error: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="229"/>
        <source>(all)</source>
        <translation>(all)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="241"/>
        <source>%1 actions, %2 anomalies.</source>
        <translation>%1 actions, %2 anomalies.</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="245"/>
        <source>Signed off by %1.</source>
        <translation>Signed off by %1.</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="245"/>
        <source>Not signed off yet.</source>
        <translation>Not signed off yet.</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="258"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="258"/>
        <source>Actions</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="258"/>
        <source>Opened</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="258"/>
        <source>Advanced</source>
        <translation>Advanced</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="258"/>
        <source>Closed</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="259"/>
        <source>Rejected</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="259"/>
        <source>Median (min)</source>
        <translation>Median (min)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="259"/>
        <source>P90 (min)</source>
        <translation>P90 (min)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="259"/>
        <source>Verdicts</source>
        <translation>Verdicts</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="260"/>
        <source>Refusals</source>
        <translation>Refusals</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="260"/>
        <source>Offline (min)</source>
        <translation>Offline (min)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="260"/>
        <source>Outbox</source>
        <translation>Outbox</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="279"/>
        <source>Hourly load per service</source>
        <translation>Hourly load per service</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="279"/>
        <source>Others</source>
        <translation>Others</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="280"/>
        <source>Verdict mix</source>
        <translation>Verdict mix</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="283"/>
        <source>%1: %2 opened, %3 closed, %4 verdicts per day</source>
        <translation>%1: %2 opened, %3 closed, %4 verdicts per day</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="284"/>
        <source>Day</source>
        <translation>Day</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="284"/>
        <source>Week</source>
        <translation>Week</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="284"/>
        <source>Month</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="311"/>
        <source>Audit chain intact: %1 records verified.</source>
        <translation>Audit chain intact: %1 records verified.</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="312"/>
        <source>Audit chain BROKEN: %1</source>
        <translation>Audit chain BROKEN: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="313"/>
        <source>Last signed-off day: %1</source>
        <translation>Last signed-off day: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="313"/>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="314"/>
        <source>Checkpoints held: %1</source>
        <translation>Checkpoints held: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="315"/>
        <source>Entries of the day included in their logs: %1; pending: %2</source>
        <translation>Entries of the day included in their logs: %1; pending: %2</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="317"/>
        <source>Problem: %1</source>
        <translation>Problem: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="323"/>
        <source>Audit trail anchored on the department log: %1 records; %2 newer records not yet anchored, for %3 h (they are anchored at the next sync)</source>
        <translation>Audit trail anchored on the department log: %1 records; %2 newer records not yet anchored, for %3 h (they are anchored at the next sync)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="355"/>
        <source>Signed off. Ledger entry %1.</source>
        <translation>Signed off. Ledger entry %1.</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="363"/>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="386"/>
        <source>Written: %1</source>
        <translation>Written: %1</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../ui/role_names.py" line="11"/>
        <source>Clerk</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../../ui/role_names.py" line="12"/>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/role_names.py" line="13"/>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
</context>
<context>
    <name>ScanPreview</name>
    <message>
        <location filename="../../ui/scan_preview.py" line="81"/>
        <source>Starting camera…</source>
        <translation>Starting camera…</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="102"/>
        <source>Camera ready</source>
        <translation>Camera ready</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="103"/>
        <source>Camera unavailable, retrying: %1</source>
        <translation>Camera unavailable, retrying: %1</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="104"/>
        <source>Camera lost, reconnecting: %1</source>
        <translation>Camera lost, reconnecting: %1</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="105"/>
        <source>Camera reconnected</source>
        <translation>Camera reconnected</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="106"/>
        <source>End of input</source>
        <translation>End of input</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="108"/>
        <source>Camera: %1</source>
        <translation>Camera: %1</translation>
    </message>
</context>
<context>
    <name>ServicePicker</name>
    <message>
        <location filename="../../ui/service_picker.py" line="62"/>
        <source>Find a service: 户口迁入, hkqr or transfer</source>
        <translation>Find a service: 户口迁入, hkqr or transfer</translation>
    </message>
    <message>
        <location filename="../../ui/service_picker.py" line="75"/>
        <source>The service catalogue cannot be read: %1</source>
        <translation>The service catalogue cannot be read: %1</translation>
    </message>
    <message>
        <location filename="../../ui/service_picker.py" line="81"/>
        <source>Loading the service catalogue…</source>
        <translation>Loading the service catalogue…</translation>
    </message>
    <message>
        <location filename="../../ui/service_picker.py" line="94"/>
        <source>%1 services; type Chinese, pinyin initials or English.</source>
        <translation>%1 services; type Chinese, pinyin initials or English.</translation>
    </message>
    <message>
        <location filename="../../ui/service_picker.py" line="97"/>
        <source>No service matches.</source>
        <translation>No service matches.</translation>
    </message>
    <message>
        <location filename="../../ui/service_picker.py" line="99"/>
        <source>%1 found; Enter picks the first.</source>
        <translation>%1 found; Enter picks the first.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="48"/>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="57"/>
        <source>&amp;Test camera</source>
        <translation>&amp;Test camera</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="69"/>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="74"/>
        <source>Standard: accept when the issuer&apos;s data is fresh enough</source>
        <translation>Standard: accept when the issuer&apos;s data is fresh enough</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="75"/>
        <source>Strict: also require witness cosignatures</source>
        <translation>Strict: also require witness cosignatures</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="79"/>
        <source>Only an administrator may change the nodes and the trust policy.</source>
        <translation>Only an administrator may change the nodes and the trust policy.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="89"/>
        <source>Camera source</source>
        <translation>Camera source</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="91"/>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="92"/>
        <source>Lock after idle</source>
        <translation>Lock after idle</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="93"/>
        <source>Department nodes
(origin URL, one per line)</source>
        <translation>Department nodes
(origin URL, one per line)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="94"/>
        <source>Trust policy</source>
        <translation>Trust policy</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="96"/>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="97"/>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="138"/>
        <source>Not saved: %1</source>
        <translation>Not saved: %1</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <location filename="../../ui/status_panel.py" line="49"/>
        <source>Cancel sync</source>
        <translation>Cancel sync</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="83"/>
        <source>Nodes: %1</source>
        <translation>Nodes: %1</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="83"/>
        <source>none configured</source>
        <translation>none configured</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="86"/>
        <source>Nodes %1/%2 online %3</source>
        <translation>Nodes %1/%2 online %3</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="91"/>
        <source>● online   ○ offline   ◌ not yet contacted</source>
        <translation>● online   ○ offline   ◌ not yet contacted</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="95"/>
        <source>Last sync: never in this session</source>
        <translation>Last sync: never in this session</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="98"/>
        <source>Last sync: %1</source>
        <translation>Last sync: %1</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="100"/>
        <source>Outbox: %1 waiting</source>
        <translation>Outbox: %1 waiting</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="109"/>
        <source>Syncing %1: %p%</source>
        <translation>Syncing %1: %p%</translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <location filename="../../ui/review_screen.py" line="80"/>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="80"/>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="80"/>
        <source>Account</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="80"/>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="80"/>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="81"/>
        <source>Case</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="81"/>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="81"/>
        <source>Verdict</source>
        <translation>Verdict</translation>
    </message>
</context>
<context>
    <name>VerdictCard</name>
    <message>
        <location filename="../../ui/verdict_card.py" line="35"/>
        <source>Valid: accept the certificate</source>
        <translation>Valid: accept the certificate</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="36"/>
        <source>Expired: do not accept</source>
        <translation>Expired: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="37"/>
        <source>Not yet valid</source>
        <translation>Not yet valid</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="38"/>
        <source>Revoked: do not accept</source>
        <translation>Revoked: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="39"/>
        <source>Unknown issuer: do not accept</source>
        <translation>Unknown issuer: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="40"/>
        <source>Forged or altered: do not accept</source>
        <translation>Forged or altered: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="41"/>
        <source>Signed by the wrong key: do not accept</source>
        <translation>Signed by the wrong key: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="42"/>
        <source>Not a readable certificate</source>
        <translation>Not a readable certificate</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="43"/>
        <source>Cannot verify offline: sync first</source>
        <translation>Cannot verify offline: sync first</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="50"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="51"/>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="52"/>
        <source>Relation to head</source>
        <translation>Relation to head</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="53"/>
        <source>Credit code</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="54"/>
        <source>Business scope</source>
        <translation>Business scope</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="55"/>
        <source>Period</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="56"/>
        <source>Property unit</source>
        <translation>Property unit</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="57"/>
        <source>Share</source>
        <translation>Share</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="58"/>
        <source>Spouse</source>
        <translation>Spouse</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="59"/>
        <source>Registered on</source>
        <translation>Registered on</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="113"/>
        <source>Verification failed</source>
        <translation>Verification failed</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="146"/>
        <source>No certificate scanned yet</source>
        <translation>No certificate scanned yet</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="147"/>
        <source>Hold the citizen&apos;s QR code up to the camera (F3 focuses the camera panel).</source>
        <translation>Hold the citizen&apos;s QR code up to the camera (F3 focuses the camera panel).</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="153"/>
        <source>Cannot verify: the issuer&apos;s log is under a fork alarm</source>
        <translation>Cannot verify: the issuer&apos;s log is under a fork alarm</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="160"/>
        <source>Certificate</source>
        <translation>Certificate</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="164"/>
        <source>Valid until</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="166"/>
        <source>Serial</source>
        <translation>Serial</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="168"/>
        <source>The replica holds no data from this issuer.</source>
        <translation>The replica holds no data from this issuer.</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="171"/>
        <source>Based on replica data synced %1 ago.</source>
        <translation>Based on replica data synced %1 ago.</translation>
    </message>
</context>
</TS>
