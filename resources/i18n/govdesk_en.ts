<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CallbackDialog</name>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="81"/>
        <source>Record the call-back</source>
        <translation>Record the call-back</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="82"/>
        <source>&amp;Called back at (Beijing time):</source>
        <translation>&amp;Called back at (Beijing time):</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="83"/>
        <source>&amp;Outcome:</source>
        <translation>&amp;Outcome:</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="84"/>
        <source>What the citizen said and what was done (at most 1000 characters)</source>
        <translation>What the citizen said and what was done (at most 1000 characters)</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="85"/>
        <source>&amp;Resolved</source>
        <translation>&amp;Resolved</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="86"/>
        <source>Record and sign (Ctrl+Enter)</source>
        <translation>Record and sign (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/remediation_dialog.py" line="87"/>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>CaseForm</name>
    <message>
        <location filename="../../ui/case_form.py" line="44"/>
        <source>Opened</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="45"/>
        <source>Documents verified</source>
        <translation>Documents verified</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="46"/>
        <source>In progress</source>
        <translation>In progress</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="47"/>
        <source>Approved</source>
        <translation>Approved</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="48"/>
        <source>Closed</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="49"/>
        <source>Rejected</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="50"/>
        <source>Withdrawn</source>
        <translation>Withdrawn</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="152"/>
        <source>Ser&amp;vice</source>
        <translation>Ser&amp;vice</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="153"/>
        <source>Chosen</source>
        <translation>Chosen</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="154"/>
        <source>Citizen &amp;name</source>
        <translation>Citizen &amp;name</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="155"/>
        <source>&amp;ID number</source>
        <translation>&amp;ID number</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="156"/>
        <source>No&amp;tes</source>
        <translation>No&amp;tes</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="157"/>
        <source>Certificates</source>
        <translation>Certificates</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="158"/>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="162"/>
        <source>Accept case (Ctrl+S)</source>
        <translation>Accept case (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="223"/>
        <source>Next: %1, done by %2 — not at this counter.</source>
        <translation>Next: %1, done by %2 — not at this counter.</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="231"/>
        <source>Open the case</source>
        <translation>Open the case</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="232"/>
        <source>Verify the certificates</source>
        <translation>Verify the certificates</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="233"/>
        <source>Approve (supervisor)</source>
        <translation>Approve (supervisor)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="234"/>
        <source>Hand over and close</source>
        <translation>Hand over and close</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="254"/>
        <source>Choose a service: its required certificates are listed here.</source>
        <translation>Choose a service: its required certificates are listed here.</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="261"/>
        <source>not scanned yet</source>
        <translation>not scanned yet</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="307"/>
        <source>This counter cannot accept this service: %1</source>
        <translation>This counter cannot accept this service: %1</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="322"/>
        <source>This certificate is %1&apos;s, not the applicant %2&apos;s: it was not added. Press Ctrl+N for a new citizen.</source>
        <translation>This certificate is %1&apos;s, not the applicant %2&apos;s: it was not added. Press Ctrl+N for a new citizen.</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="330"/>
        <source>New citizen: %1. The previous citizen&apos;s data was cleared.</source>
        <translation>New citizen: %1. The previous citizen&apos;s data was cleared.</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="341"/>
        <source>Choose a service and fill in the citizen&apos;s name and ID number first.</source>
        <translation>Choose a service and fill in the citizen&apos;s name and ID number first.</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="163"/>
        <source>New form (Ctrl+N)</source>
        <translation>New form (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="184"/>
        <source>No service chosen yet: search above.</source>
        <translation>No service chosen yet: search above.</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="189"/>
        <source>%1 · led by %2 · time limit %3 days</source>
        <translation>%1 · led by %2 · time limit %3 days</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="195"/>
        <source>New case</source>
        <translation>New case</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="207"/>
        <source>Verify documents (Ctrl+Enter)</source>
        <translation>Verify documents (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="209"/>
        <source>Approve (Ctrl+Enter)</source>
        <translation>Approve (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="211"/>
        <source>Hand over and close (Ctrl+Enter)</source>
        <translation>Hand over and close (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="212"/>
        <source>Done: %1 (Ctrl+Enter)</source>
        <translation>Done: %1 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="218"/>
        <source>Next step (Ctrl+Enter)</source>
        <translation>Next step (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="198"/>
        <source>Case %1 · %2</source>
        <translation>Case %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="355"/>
        <source>Scan these valid certificates of the applicant first: %1</source>
        <translation>Scan these valid certificates of the applicant first: %1</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="412"/>
        <source>Saved: %1</source>
        <translation>Saved: %1</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="418"/>
        <source>Not saved: %1</source>
        <translation>Not saved: %1</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <location filename="../../ui/case_panel.py" line="87"/>
        <source>Open cases</source>
        <translation>Open cases</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="88"/>
        <source>Find a case (Ctrl+F)</source>
        <translation>Find a case (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="89"/>
        <source>Case number, certificate serial, ID number or name</source>
        <translation>Case number, certificate serial, ID number or name</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="90"/>
        <source>Search</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="91"/>
        <source>Cases of the scanned certificate</source>
        <translation>Cases of the scanned certificate</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="92"/>
        <source>Tasks from sync</source>
        <translation>Tasks from sync</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="139"/>
        <source>No case found.</source>
        <translation>No case found.</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="141"/>
        <source>%1 found; Enter opens one.</source>
        <translation>%1 found; Enter opens one.</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="148"/>
        <source>Search failed: %1</source>
        <translation>Search failed: %1</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="155"/>
        <source>Conflict</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <location filename="../../ui/case_panel.py" line="155"/>
        <source>Refused by the node</source>
        <translation>Refused by the node</translation>
    </message>
</context>
<context>
    <name>CounterScreen</name>
    <message>
        <location filename="../../ui/counter_screen.py" line="125"/>
        <source>Camera and verdict (F3)</source>
        <translation>Camera and verdict (F3)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="126"/>
        <source>Case</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="128"/>
        <source>Codes are read as soon as they are in view; the outline takes the verdict&apos;s colour.</source>
        <translation>Codes are read as soon as they are in view; the outline takes the verdict&apos;s colour.</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="130"/>
        <source>Sa&amp;mple:</source>
        <translation>Sa&amp;mple:</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="133"/>
        <source>Scan (F4)</source>
        <translation>Scan (F4)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="133"/>
        <source>Scan again (F4)</source>
        <translation>Scan again (F4)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="144"/>
        <source>Demo samples: pick one and press F4 to scan it.</source>
        <translation>Demo samples: pick one and press F4 to scan it.</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="178"/>
        <source>张伟 · e-ID (valid)</source>
        <translation>张伟 · e-ID (valid)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="179"/>
        <source>张伟 · household register (valid)</source>
        <translation>张伟 · household register (valid)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="180"/>
        <source>李秀英 · e-ID (expired)</source>
        <translation>李秀英 · e-ID (expired)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="181"/>
        <source>王强 · e-ID (revoked)</source>
        <translation>王强 · e-ID (revoked)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_screen.py" line="259"/>
        <source>Ticket %1 came with case %2, which this counter does not hold yet: sync (F5), then find it (Ctrl+F).</source>
        <translation>Ticket %1 came with case %2, which this counter does not hold yet: sync (F5), then find it (Ctrl+F).</translation>
    </message>
</context>
<context>
    <name>CurrentTicketWidget</name>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="85"/>
        <source>Call next</source>
        <translation>Call next</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="86"/>
        <source>Recall</source>
        <translation>Recall</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="87"/>
        <source>Skip</source>
        <translation>Skip</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="88"/>
        <source>Finish</source>
        <translation>Finish</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="91"/>
        <source>Window %1</source>
        <translation>Window %1</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="89"/>
        <source>Transfer</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="84"/>
        <source>Current ticket</source>
        <translation>Current ticket</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="139"/>
        <source>Queue system offline: keep serving; calling is paused.</source>
        <translation>Queue system offline: keep serving; calling is paused.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="141"/>
        <source>Serving</source>
        <translation>Serving</translation>
    </message>
    <message>
        <location filename="../../ui/hall_ticket_widget.py" line="143"/>
        <source>Window free</source>
        <translation>Window free</translation>
    </message>
</context>
<context>
    <name>EvaluatorWindow</name>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="89"/>
        <source>Rate our service</source>
        <translation>Rate our service</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="90"/>
        <source>How satisfied are you with this service?</source>
        <translation>How satisfied are you with this service?</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="91"/>
        <source>You may add a reason (optional)</source>
        <translation>You may add a reason (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="92"/>
        <source>Welcome. Please wait to be served.</source>
        <translation>Welcome. Please wait to be served.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="97"/>
        <source>Thank you for your rating.</source>
        <translation>Thank you for your rating.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="102"/>
        <source>%1 · Window %2 · Ticket %3</source>
        <translation>%1 · Window %2 · Ticket %3</translation>
    </message>
    <message>
        <location filename="../../ui/hall_evaluator.py" line="105"/>
        <source>Served by staff member %1</source>
        <translation>Served by staff member %1</translation>
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
    <name>HallDisplayWindow</name>
    <message>
        <location filename="../../ui/hall_display.py" line="35"/>
        <source>Hall display</source>
        <translation>Hall display</translation>
    </message>
    <message>
        <location filename="../../ui/hall_display.py" line="37"/>
        <source>Now calling</source>
        <translation>Now calling</translation>
    </message>
    <message>
        <location filename="../../ui/hall_display.py" line="44"/>
        <source>Waiting</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../../ui/hall_display.py" line="59"/>
        <source>Voice: on</source>
        <translation>Voice: on</translation>
    </message>
    <message>
        <location filename="../../ui/hall_display.py" line="59"/>
        <source>Voice: not installed</source>
        <translation>Voice: not installed</translation>
    </message>
    <message>
        <location filename="../../ui/hall_display.py" line="84"/>
        <location filename="../../ui/hall_display.py" line="93"/>
        <source>Number %1 to window %2</source>
        <translation>Number %1 to window %2</translation>
    </message>
</context>
<context>
    <name>HallEvaluationsPanel</name>
    <message>
        <location filename="../../ui/review_hall.py" line="107"/>
        <location filename="../../ui/review_hall.py" line="113"/>
        <source>Rating</source>
        <translation>Rating</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="107"/>
        <source>Ratings on the day</source>
        <translation>Ratings on the day</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="108"/>
        <source>Ratings</source>
        <translation>Ratings</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="108"/>
        <source>Dissatisfied</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="108"/>
        <source>Mean (1–5)</source>
        <translation>Mean (1–5)</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="109"/>
        <location filename="../../ui/review_hall.py" line="113"/>
        <location filename="../../ui/review_hall.py" line="118"/>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="110"/>
        <source>Department</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="111"/>
        <source>Clerk</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="113"/>
        <source>Item</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="113"/>
        <location filename="../../ui/review_hall.py" line="117"/>
        <source>Window</source>
        <translation>Window</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="113"/>
        <source>Due (working days)</source>
        <translation>Due (working days)</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="115"/>
        <source>Remediation items past their due day, still without a call-back:</source>
        <translation>Remediation items past their due day, still without a call-back:</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="117"/>
        <source>Last refused (Beijing)</source>
        <translation>Last refused (Beijing)</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="117"/>
        <source>Why it was not passed on</source>
        <translation>Why it was not passed on</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="118"/>
        <source>Evaluator</source>
        <translation>Evaluator</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="118"/>
        <source>Times</source>
        <translation>Times</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="129"/>
        <source>Asking the hall for %1…</source>
        <translation>Asking the hall for %1…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/review_hall.py" line="209"/>
        <source>%n rating(s) from the hall were not passed on to a department (each refusal is recorded in the audit trail):</source>
        <translation>
            <numerusform>%n rating from the hall was not passed on to a department (the refusal is recorded in the audit trail):</numerusform>
            <numerusform>%n ratings from the hall were not passed on to a department (each refusal is recorded in the audit trail):</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="31"/>
        <source>The hall service cannot be reached: its ratings and remediation items cannot be shown now. The rest of the review is complete.</source>
        <translation>The hall service cannot be reached: its ratings and remediation items cannot be shown now. The rest of the review is complete.</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="36"/>
        <source>This office&apos;s hall key file cannot be read (settings): the hall cannot be asked.</source>
        <translation>This office&apos;s hall key file cannot be read (settings): the hall cannot be asked.</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="174"/>
        <source>No hall is configured for this office: citizens&apos; ratings and their remediation items are kept by a hall service. An administrator sets the hall&apos;s address and key in the settings.</source>
        <translation>No hall is configured for this office: citizens&apos; ratings and their remediation items are kept by a hall service. An administrator sets the hall&apos;s address and key in the settings.</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="182"/>
        <source>%1: ratings %2, dissatisfied %3; remediation items overdue: %4.</source>
        <translation>%1: ratings %2, dissatisfied %3; remediation items overdue: %4.</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="194"/>
        <source> (provisional calendar)</source>
        <translation> (provisional calendar)</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="201"/>
        <source>The refused ratings cannot be read: %1</source>
        <translation>The refused ratings cannot be read: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_hall.py" line="207"/>
        <source>No rating from the hall was refused: every one went on to its department.</source>
        <translation>No rating from the hall was refused: every one went on to its department.</translation>
    </message>
</context>
<context>
    <name>HallRefusals</name>
    <message>
        <location filename="../../ui/hall_refusals.py" line="14"/>
        <source>The queue system cannot be reached. Serving goes on; calling is paused.</source>
        <translation>The queue system cannot be reached. Serving goes on; calling is paused.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="18"/>
        <source>Something went wrong. Please ask the staff for help.</source>
        <translation>Something went wrong. Please ask the staff for help.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="20"/>
        <source>This service category is not offered in this hall.</source>
        <translation>This service category is not offered in this hall.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="23"/>
        <source>No appointment has this number.</source>
        <translation>No appointment has this number.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="24"/>
        <source>This appointment has already been turned into a ticket.</source>
        <translation>This appointment has already been turned into a ticket.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="27"/>
        <source>This window still holds a ticket: finish, skip or transfer it first.</source>
        <translation>This window still holds a ticket: finish, skip or transfer it first.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="30"/>
        <source>This window no longer holds the ticket (it timed out or moved).</source>
        <translation>This window no longer holds the ticket (it timed out or moved).</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="33"/>
        <source>This ticket is already finished.</source>
        <translation>This ticket is already finished.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="34"/>
        <source>This device is not enrolled for a window of this hall.</source>
        <translation>This device is not enrolled for a window of this hall.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="37"/>
        <source>No more tickets can be issued today in this category.</source>
        <translation>No more tickets can be issued today in this category.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="38"/>
        <source>This device belongs to another office.</source>
        <translation>This device belongs to another office.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="39"/>
        <source>This device&apos;s key is not in the hall&apos;s signature suite; enrol it again.</source>
        <translation>This device&apos;s key is not in the hall&apos;s signature suite; enrol it again.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="42"/>
        <source>This device may not do that.</source>
        <translation>This device may not do that.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="43"/>
        <source>This device is not enrolled in the hall.</source>
        <translation>This device is not enrolled in the hall.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="44"/>
        <source>This device&apos;s key has been revoked.</source>
        <translation>This device&apos;s key has been revoked.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="45"/>
        <source>This device&apos;s clock is wrong; please set the time.</source>
        <translation>This device&apos;s clock is wrong; please set the time.</translation>
    </message>
    <message>
        <location filename="../../ui/hall_refusals.py" line="50"/>
        <source>The queue system refused the request.</source>
        <translation>The queue system refused the request.</translation>
    </message>
</context>
<context>
    <name>HallTicketSlot</name>
    <message>
        <location filename="../../ui/hall_ticket_slot.py" line="86"/>
        <source>The queue system is set, but this counter&apos;s key file cannot be read.</source>
        <translation>The queue system is set, but this counter&apos;s key file cannot be read.</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="32"/>
        <source>Take a number</source>
        <translation>Take a number</translation>
    </message>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="33"/>
        <source>Please choose your service</source>
        <translation>Please choose your service</translation>
    </message>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="46"/>
        <source>Green channel (elderly, disabled, pregnant)</source>
        <translation>Green channel (elderly, disabled, pregnant)</translation>
    </message>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="49"/>
        <source>Appointment number</source>
        <translation>Appointment number</translation>
    </message>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="51"/>
        <source>I have an appointment</source>
        <translation>I have an appointment</translation>
    </message>
    <message>
        <location filename="../../ui/hall_kiosk.py" line="87"/>
        <source>Please wait for your number to be called. Keep this number.</source>
        <translation>Please wait for your number to be called. Keep this number.</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <location filename="../../ui/login_screen.py" line="94"/>
        <source>&amp;Account</source>
        <translation>&amp;Account</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="96"/>
        <source>&amp;Password</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="99"/>
        <source>Log in to start serving citizens.</source>
        <translation>Log in to start serving citizens.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="100"/>
        <source>Log in</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="103"/>
        <source>Locked. %1 (%2) is logged in; unsaved work is kept.</source>
        <translation>Locked. %1 (%2) is logged in; unsaved work is kept.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="107"/>
        <source>Unlock</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="108"/>
        <source>Log out instead (unsaved work is discarded)</source>
        <translation>Log out instead (unsaved work is discarded)</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="136"/>
        <source>Type your account name and password.</source>
        <translation>Type your account name and password.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="160"/>
        <source>Wrong password. Check the keyboard layout and Caps Lock, then try again.</source>
        <translation>Wrong password. Check the keyboard layout and Caps Lock, then try again.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="165"/>
        <source>a supervisor resets the password</source>
        <translation>a supervisor resets the password</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="167"/>
        <source>Too many wrong passwords: this account is locked until %1.</source>
        <translation>Too many wrong passwords: this account is locked until %1.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="169"/>
        <source>No account of that name may log in on this machine. Check the spelling.</source>
        <translation>No account of that name may log in on this machine. Check the spelling.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="171"/>
        <source>This account has been disabled. Ask your supervisor.</source>
        <translation>This account has been disabled. Ask your supervisor.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="173"/>
        <source>The office data on this machine is damaged or was replaced. Call IT support: %1</source>
        <translation>The office data on this machine is damaged or was replaced. Call IT support: %1</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="177"/>
        <source>No office is set up in this folder.</source>
        <translation>No office is set up in this folder.</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="178"/>
        <source>Cannot log in: %1</source>
        <translation>Cannot log in: %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="149"/>
        <source>govdesk · %1</source>
        <translation>govdesk · %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="150"/>
        <source>&amp;Counter</source>
        <translation>&amp;Counter</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="152"/>
        <source>Lock screen</source>
        <translation>Lock screen</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="153"/>
        <source>Log out</source>
        <translation>Log out</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="154"/>
        <source>Settings…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="155"/>
        <source>Switch language (中文 / English)</source>
        <translation>Switch language (中文 / English)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="156"/>
        <source>Sync now</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="157"/>
        <source>Find a case</source>
        <translation>Find a case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="158"/>
        <source>Go to the camera</source>
        <translation>Go to the camera</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="159"/>
        <source>Scan (again)</source>
        <translation>Scan (again)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="160"/>
        <source>Go to the open cases</source>
        <translation>Go to the open cases</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="161"/>
        <source>New case form</source>
        <translation>New case form</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="162"/>
        <source>Open the case</source>
        <translation>Open the case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="163"/>
        <source>Next step of the case</source>
        <translation>Next step of the case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="165"/>
        <source>Trusted root certificates…</source>
        <translation>Trusted root certificates…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="173"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="328"/>
        <source>Only an administrator manages the trusted root certificates.</source>
        <translation>Only an administrator manages the trusted root certificates.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="366"/>
        <source>Settings saved.</source>
        <translation>Settings saved.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="375"/>
        <source>Error: %1</source>
        <translation>Error: %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="399"/>
        <source>Syncing…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="405"/>
        <source>No trust policy: an admin sets the department nodes first.</source>
        <translation>No trust policy: an admin sets the department nodes first.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="423"/>
        <source>Sync cancelled.</source>
        <translation>Sync cancelled.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="425"/>
        <source>Nothing was synced: no department node answered. Work continues offline.</source>
        <translation>Nothing was synced: no department node answered. Work continues offline.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="430"/>
        <source>Sync finished with problems: {0} of {1} logs could not be synced (see the nodes).</source>
        <translation>Sync finished with problems: {0} of {1} logs could not be synced (see the nodes).</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="434"/>
        <source>Sync finished.</source>
        <translation>Sync finished.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="164"/>
        <source>Daily review…</source>
        <translation>Daily review…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="319"/>
        <source>Only supervisors and admins review the day.</source>
        <translation>Only supervisors and admins review the day.</translation>
    </message>
</context>
<context>
    <name>NoticePanel</name>
    <message>
        <location filename="../../ui/notice_panel.py" line="87"/>
        <source>Materials received · receipts and notices</source>
        <translation>Materials received · receipts and notices</translation>
    </message>
    <message>
        <location filename="../../ui/notice_panel.py" line="88"/>
        <source>Print acceptance receipt</source>
        <translation>Print acceptance receipt</translation>
    </message>
    <message>
        <location filename="../../ui/notice_panel.py" line="89"/>
        <source>Print one-time notice</source>
        <translation>Print one-time notice</translation>
    </message>
    <message>
        <location filename="../../ui/notice_panel.py" line="145"/>
        <source>The document cannot be made from the materials ticked.</source>
        <translation>The document cannot be made from the materials ticked.</translation>
    </message>
    <message>
        <location filename="../../ui/notice_panel.py" line="151"/>
        <source>Printed: %1</source>
        <translation>Printed: %1</translation>
    </message>
</context>
<context>
    <name>OfdPanel</name>
    <message>
        <location filename="../../ui/ofd_panel.py" line="98"/>
        <source>Open e-licence (OFD)…</source>
        <translation>Open e-licence (OFD)…</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="99"/>
        <source>Attach to case</source>
        <translation>Attach to case</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="100"/>
        <source>Watch a folder (USB)…</source>
        <translation>Watch a folder (USB)…</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="193"/>
        <source>Open e-licence</source>
        <translation>Open e-licence</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="159"/>
        <location filename="../../ui/ofd_panel.py" line="193"/>
        <source>OFD documents (*.ofd)</source>
        <translation>OFD documents (*.ofd)</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="101"/>
        <source>Result of the case</source>
        <translation>Result of the case</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="102"/>
        <source>Save a copy (USB)…</source>
        <translation>Save a copy (USB)…</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="103"/>
        <source>Printable copy (PDF)…</source>
        <translation>Printable copy (PDF)…</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="119"/>
        <source>The sealed result of case %1 is here, ready to hand out: press “Result of the case”.</source>
        <translation>The sealed result of case %1 is here, ready to hand out: press “Result of the case”.</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="148"/>
        <source>No sealed result has been issued for case %1 yet.</source>
        <translation>No sealed result has been issued for case %1 yet.</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="158"/>
        <source>Save the e-licence</source>
        <translation>Save the e-licence</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="173"/>
        <source>Printable copy</source>
        <translation>Printable copy</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="174"/>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF documents (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="187"/>
        <source>Written to %1.</source>
        <translation>Written to %1.</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="201"/>
        <source>Watch a folder for e-licences</source>
        <translation>Watch a folder for e-licences</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="216"/>
        <source>Watching %1 for new e-licences.</source>
        <translation>Watching %1 for new e-licences.</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="224"/>
        <source>Waiting for %1 to finish copying…</source>
        <translation>Waiting for %1 to finish copying…</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="240"/>
        <source>%1 is not complete yet (%2 KB). Waiting for the copy to finish; if it has finished, the file is damaged: open it by hand to see why.</source>
        <translation>%1 is not complete yet (%2 KB). Waiting for the copy to finish; if it has finished, the file is damaged: open it by hand to see why.</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="281"/>
        <source>The file cannot be read.</source>
        <translation>The file cannot be read.</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="288"/>
        <source>The file is too large for an e-licence.</source>
        <translation>The file is too large for an e-licence.</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="304"/>
        <source>Verification failed: %1</source>
        <translation>Verification failed: %1</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_panel.py" line="324"/>
        <source>Attached to case %1 (SM3 %2…).</source>
        <translation>Attached to case %1 (SM3 %2…).</translation>
    </message>
</context>
<context>
    <name>OfdVerdictCard</name>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="42"/>
        <source>Licence</source>
        <translation>Licence</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="43"/>
        <source>Number</source>
        <translation>Number</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="44"/>
        <source>Holder</source>
        <translation>Holder</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="45"/>
        <source>Holder code</source>
        <translation>Holder code</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="46"/>
        <source>Issued by</source>
        <translation>Issued by</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="47"/>
        <source>Issued on</source>
        <translation>Issued on</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="48"/>
        <source>Valid from</source>
        <translation>Valid from</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="49"/>
        <source>Valid until</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="50"/>
        <source>Licence type</source>
        <translation>Licence type</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="95"/>
        <source>Not a readable OFD document</source>
        <translation>Not a readable OFD document</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="97"/>
        <source>Sealed and trusted: accept the document</source>
        <translation>Sealed and trusted: accept the document</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="99"/>
        <source>Revoked: do not accept</source>
        <translation>Revoked: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="101"/>
        <source>Intact, but the issuer is not trusted: do not accept as proof</source>
        <translation>Intact, but the issuer is not trusted: do not accept as proof</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="102"/>
        <source>Altered or not properly sealed: do not accept</source>
        <translation>Altered or not properly sealed: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="112"/>
        <source>No OFD document opened</source>
        <translation>No OFD document opened</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="113"/>
        <source>Open the citizen&apos;s .ofd file, or drop it here.</source>
        <translation>Open the citizen&apos;s .ofd file, or drop it here.</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="121"/>
        <source>File</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="126"/>
        <source>Issued at</source>
        <translation>Issued at</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="126"/>
        <source>%1 (Beijing time)</source>
        <translation>%1 (Beijing time)</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="147"/>
        <source>revoked at %1</source>
        <translation>revoked at %1</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="149"/>
        <source>revoked</source>
        <translation>revoked</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="149"/>
        <source>still valid</source>
        <translation>still valid</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="128"/>
        <source>Ledger</source>
        <translation>Ledger</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="155"/>
        <source>issued by %1 at %2, serial %3, %4</source>
        <translation>issued by %1 at %2, serial %3, %4</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="168"/>
        <source>valid, sealed before its seal key was revoked at %1</source>
        <translation>valid, sealed before its seal key was revoked at %1</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="170"/>
        <source>valid, trusted</source>
        <translation>valid, trusted</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="172"/>
        <source>valid, but revoked</source>
        <translation>valid, but revoked</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="174"/>
        <source>valid, issuer not trusted</source>
        <translation>valid, issuer not trusted</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="177"/>
        <source>Signature %1</source>
        <translation>Signature %1</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="179"/>
        <source>Seal</source>
        <translation>Seal</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="181"/>
        <source>Seal owner</source>
        <translation>Seal owner</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="183"/>
        <source>Signer</source>
        <translation>Signer</translation>
    </message>
    <message>
        <location filename="../../ui/ofd_verdict_card.py" line="185"/>
        <source>Sealed at</source>
        <translation>Sealed at</translation>
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
    <name>Refusal</name>
    <message>
        <location filename="../../ui/refusal_text.py" line="32"/>
        <source>Your role may not perform this step.</source>
        <translation>Your role may not perform this step.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="33"/>
        <source>This step is done by another department; this counter is not enrolled for it.</source>
        <translation>This step is done by another department; this counter is not enrolled for it.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="36"/>
        <source>Your signing key is not enrolled with the department (or was revoked).</source>
        <translation>Your signing key is not enrolled with the department (or was revoked).</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="39"/>
        <source>Required certificates are missing or not valid: %missing.</source>
        <translation>Required certificates are missing or not valid: %missing.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="42"/>
        <source>The applicant does not match the scanned e-ID or a certificate is someone else&apos;s.</source>
        <translation>The applicant does not match the scanned e-ID or a certificate is someone else&apos;s.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="45"/>
        <source>This e-licence was issued to another person (ID number ending %tail), not to this case&apos;s citizen. It was not attached.</source>
        <translation>This e-licence was issued to another person (ID number ending %tail), not to this case&apos;s citizen. It was not attached.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="50"/>
        <source>The ID number&apos;s last character does not match the rest of it: a character was mistyped or misread. Read the number again from the card. Nothing was signed.</source>
        <translation>The ID number&apos;s last character does not match the rest of it: a character was mistyped or misread. Read the number again from the card. Nothing was signed.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="55"/>
        <source>This step is not allowed at the case&apos;s current stage.</source>
        <translation>This step is not allowed at the case&apos;s current stage.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="58"/>
        <source>Another office moved this case first; look at the case again.</source>
        <translation>Another office moved this case first; look at the case again.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="61"/>
        <source>The local copy of this department&apos;s log is too old for this service: sync first.</source>
        <translation>The local copy of this department&apos;s log is too old for this service: sync first.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="64"/>
        <source>This department&apos;s log is under a fork alarm: a supervisor must resolve it first.</source>
        <translation>This department&apos;s log is under a fork alarm: a supervisor must resolve it first.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="67"/>
        <source>No consent of the citizen covers this request.</source>
        <translation>No consent of the citizen covers this request.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="68"/>
        <source>The citizen&apos;s consent has expired.</source>
        <translation>The citizen&apos;s consent has expired.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="69"/>
        <source>The citizen revoked the consent.</source>
        <translation>The citizen revoked the consent.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="70"/>
        <source>The request asks for data outside the consent.</source>
        <translation>The request asks for data outside the consent.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="71"/>
        <source>The request was refused by the rules.</source>
        <translation>The request was refused by the rules.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="72"/>
        <source>There is no such service in the catalogue.</source>
        <translation>There is no such service in the catalogue.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="73"/>
        <source>This office knows no such case.</source>
        <translation>This office knows no such case.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="74"/>
        <source>The service catalogue or a case could not be read.</source>
        <translation>The service catalogue or a case could not be read.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="76"/>
        <source>What the hall gave as a rating is not a signed rating for a department&apos;s log.</source>
        <translation>What the hall gave as a rating is not a signed rating for a department&apos;s log.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="79"/>
        <source>The rating is of another office&apos;s ticket, or its evaluator is enrolled for another office.</source>
        <translation>The rating is of another office&apos;s ticket, or its evaluator is enrolled for another office.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="82"/>
        <source>The rating is not signed by an active evaluator device (a person&apos;s key, or a revoked device).</source>
        <translation>The rating is not signed by an active evaluator device (a person&apos;s key, or a revoked device).</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="85"/>
        <source>The rating&apos;s signature does not verify: it may have been altered on the way.</source>
        <translation>The rating&apos;s signature does not verify: it may have been altered on the way.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="88"/>
        <source>The counter did not pass this rating on to its department.</source>
        <translation>The counter did not pass this rating on to its department.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="92"/>
        <source>The department refused the entry as malformed.</source>
        <translation>The department refused the entry as malformed.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="93"/>
        <source>The department refused the entry: its signature does not verify.</source>
        <translation>The department refused the entry: its signature does not verify.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="96"/>
        <source>The department does not know this signing key.</source>
        <translation>The department does not know this signing key.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="97"/>
        <source>The department revoked this signing key.</source>
        <translation>The department revoked this signing key.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="98"/>
        <source>The department does not allow this role to write this entry.</source>
        <translation>The department does not allow this role to write this entry.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="101"/>
        <source>The entry was sent to the wrong department.</source>
        <translation>The entry was sent to the wrong department.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="102"/>
        <source>The entry is too large for the department.</source>
        <translation>The entry is too large for the department.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="103"/>
        <source>Too many entries were sent at once.</source>
        <translation>Too many entries were sent at once.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="104"/>
        <source>The request was too large for the department.</source>
        <translation>The request was too large for the department.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="105"/>
        <source>The department could not read the request.</source>
        <translation>The department could not read the request.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="106"/>
        <source>The department did not accept this counter&apos;s credentials.</source>
        <translation>The department did not accept this counter&apos;s credentials.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="109"/>
        <source>The department did not accept the request&apos;s signature.</source>
        <translation>The department did not accept the request&apos;s signature.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="112"/>
        <source>The request was too old when it arrived: check the computer&apos;s clock.</source>
        <translation>The request was too old when it arrived: check the computer&apos;s clock.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="115"/>
        <source>The department saw this request before.</source>
        <translation>The department saw this request before.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="116"/>
        <source>The department is busy: it will be tried again.</source>
        <translation>The department is busy: it will be tried again.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="117"/>
        <source>The department is overloaded: it will be tried again.</source>
        <translation>The department is overloaded: it will be tried again.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="118"/>
        <source>The department did not finish in time: it will be tried again.</source>
        <translation>The department did not finish in time: it will be tried again.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="121"/>
        <source>The request timed out: it will be tried again.</source>
        <translation>The request timed out: it will be tried again.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="122"/>
        <source>The department does not have what was asked for.</source>
        <translation>The department does not have what was asked for.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="124"/>
        <source>There is no office database here.</source>
        <translation>There is no office database here.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="125"/>
        <source>An office database already exists here.</source>
        <translation>An office database already exists here.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="126"/>
        <location filename="../../ui/refusal_text.py" line="127"/>
        <source>Unknown user name or wrong password.</source>
        <translation>Unknown user name or wrong password.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="128"/>
        <source>Too many wrong passwords: the account is locked for a while.</source>
        <translation>Too many wrong passwords: the account is locked for a while.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="131"/>
        <source>This account is disabled: ask the administrator.</source>
        <translation>This account is disabled: ask the administrator.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="132"/>
        <source>Your role does not allow this.</source>
        <translation>Your role does not allow this.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="133"/>
        <source>The office database cannot be opened: wrong key or not a database.</source>
        <translation>The office database cannot be opened: wrong key or not a database.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="136"/>
        <source>The office database is damaged: call support.</source>
        <translation>The office database is damaged: call support.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="137"/>
        <source>The office database was rolled back to an older copy: call support.</source>
        <translation>The office database was rolled back to an older copy: call support.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="140"/>
        <source>The audit trail was altered: call support.</source>
        <translation>The audit trail was altered: call support.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="141"/>
        <source>The disk is full: nothing was saved.</source>
        <translation>The disk is full: nothing was saved.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="142"/>
        <source>The office database is from a newer govdesk: update this program.</source>
        <translation>The office database is from a newer govdesk: update this program.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="145"/>
        <source>A field holds a value that is not accepted.</source>
        <translation>A field holds a value that is not accepted.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="146"/>
        <source>The office is locked: log in first.</source>
        <translation>The office is locked: log in first.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="147"/>
        <source>The office database refused the action.</source>
        <translation>The office database refused the action.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="149"/>
        <source>The department&apos;s node cannot be reached: work continues offline.</source>
        <translation>The department&apos;s node cannot be reached: work continues offline.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="152"/>
        <source>Sync was cancelled.</source>
        <translation>Sync was cancelled.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="153"/>
        <source>What the department sent does not verify: nothing of it was kept.</source>
        <translation>What the department sent does not verify: nothing of it was kept.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="156"/>
        <source>The department&apos;s log shows two histories: the fork alarm is raised.</source>
        <translation>The department&apos;s log shows two histories: the fork alarm is raised.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="159"/>
        <source>This department&apos;s log is under a fork alarm and is not synced.</source>
        <translation>This department&apos;s log is under a fork alarm and is not synced.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="162"/>
        <source>This computer&apos;s clock differs too much from the department&apos;s.</source>
        <translation>This computer&apos;s clock differs too much from the department&apos;s.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="165"/>
        <source>Sync failed.</source>
        <translation>Sync failed.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="167"/>
        <source>This day is already signed off.</source>
        <translation>This day is already signed off.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="168"/>
        <source>Every anomaly must be acknowledged with a comment before signing.</source>
        <translation>Every anomaly must be acknowledged with a comment before signing.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="171"/>
        <source>Reports can only be saved in a folder you chose.</source>
        <translation>Reports can only be saved in a folder you chose.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="172"/>
        <source>This entry is no longer refused (it was sent again or set aside already): reopen the list.</source>
        <translation>This entry is no longer refused (it was sent again or set aside already): reopen the list.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="175"/>
        <source>Only the supervisor, logged in with their own signing key, records a call-back.</source>
        <translation>Only the supervisor, logged in with their own signing key, records a call-back.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="178"/>
        <source>Write the call-back&apos;s outcome: 1 to 1000 characters, without control characters.</source>
        <translation>Write the call-back&apos;s outcome: 1 to 1000 characters, without control characters.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="181"/>
        <source>The call-back&apos;s time must lie after the rating and not in the future.</source>
        <translation>The call-back&apos;s time must lie after the rating and not in the future.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="184"/>
        <source>The review could not be completed.</source>
        <translation>The review could not be completed.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="186"/>
        <source>The certificate file cannot be read.</source>
        <translation>The certificate file cannot be read.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="187"/>
        <source>The file is too large to be a root certificate (at most 64 KiB).</source>
        <translation>The file is too large to be a root certificate (at most 64 KiB).</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="190"/>
        <source>The file does not hold exactly one well-formed SM2 certificate (PEM or DER).</source>
        <translation>The file does not hold exactly one well-formed SM2 certificate (PEM or DER).</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="193"/>
        <source>This certificate is not a certification authority&apos;s: it cannot be a trusted root.</source>
        <translation>This certificate is not a certification authority&apos;s: it cannot be a trusted root.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="196"/>
        <source>This certificate was issued by another authority: only a root (self-issued) can be trusted.</source>
        <translation>This certificate was issued by another authority: only a root (self-issued) can be trusted.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="199"/>
        <source>The certificate&apos;s own signature does not verify: it was altered or damaged.</source>
        <translation>The certificate&apos;s own signature does not verify: it was altered or damaged.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="202"/>
        <source>This root certificate has expired.</source>
        <translation>This root certificate has expired.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="203"/>
        <source>This root is already in the list.</source>
        <translation>This root is already in the list.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="204"/>
        <source>The list is full: remove a root before adding another.</source>
        <translation>The list is full: remove a root before adding another.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="290"/>
        <source>Something went wrong (%1); the action was not completed.</source>
        <translation>Something went wrong (%1); the action was not completed.</translation>
    </message>
    <message>
        <location filename="../../ui/refusal_text.py" line="305"/>
        <source>Refused (%1).</source>
        <translation>Refused (%1).</translation>
    </message>
</context>
<context>
    <name>RefusedEntriesPanel</name>
    <message>
        <location filename="../../ui/review_refused.py" line="77"/>
        <source>Entries a department&apos;s node refused stay in the outbox and count as waiting to be sent. Read the node&apos;s reason; once the matter is dealt with, set the entry aside (Ctrl+D): it is kept, no longer sent and no longer counted as waiting, and your decision is recorded.</source>
        <translation>Entries a department&apos;s node refused stay in the outbox and count as waiting to be sent. Read the node&apos;s reason; once the matter is dealt with, set the entry aside (Ctrl+D): it is kept, no longer sent and no longer counted as waiting, and your decision is recorded.</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="81"/>
        <source>Set aside… (Ctrl+D)</source>
        <translation>Set aside… (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="83"/>
        <source>Department</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="83"/>
        <source>Entry</source>
        <translation>Entry</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="83"/>
        <source>Case</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="83"/>
        <source>Refused at (Beijing)</source>
        <translation>Refused at (Beijing)</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="84"/>
        <source>Signed by</source>
        <translation>Signed by</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="84"/>
        <source>Node&apos;s reason</source>
        <translation>Node&apos;s reason</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="84"/>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="84"/>
        <source>Written at (Beijing)</source>
        <translation>Written at (Beijing)</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="101"/>
        <source>Error: %1</source>
        <translation>Error: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="109"/>
        <source>Unreadable entry</source>
        <translation>Unreadable entry</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="128"/>
        <source>Set aside</source>
        <translation>Set aside</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="128"/>
        <source>Waiting for a decision</source>
        <translation>Waiting for a decision</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="139"/>
        <source>Refused entries waiting for a decision: %1; set aside: %2.</source>
        <translation>Refused entries waiting for a decision: %1; set aside: %2.</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="158"/>
        <source>%1 · %2 · signed by %3. The node&apos;s reason: %4</source>
        <translation>%1 · %2 · signed by %3. The node&apos;s reason: %4</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="164"/>
        <source>Set aside by %1 at %2 (Beijing time).</source>
        <translation>Set aside by %1 at %2 (Beijing time).</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="181"/>
        <source>Set aside the entry “%1” (case %2) signed by %3 at %4 (Beijing time)? The node refused it: %5 It stays kept in the outbox, is no longer sent and no longer counts as waiting. Your decision is recorded.</source>
        <translation>Set aside the entry “%1” (case %2) signed by %3 at %4 (Beijing time)? The node refused it: %5 It stays kept in the outbox, is no longer sent and no longer counts as waiting. Your decision is recorded.</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="193"/>
        <source>Set the entry aside</source>
        <translation>Set the entry aside</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="195"/>
        <source>Set &amp;aside</source>
        <translation>Set &amp;aside</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="196"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/review_refused.py" line="214"/>
        <source>Set aside: %1.</source>
        <translation>Set aside: %1.</translation>
    </message>
</context>
<context>
    <name>RemediationPanel</name>
    <message>
        <location filename="../../ui/review_remediation.py" line="83"/>
        <source>Item</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="83"/>
        <source>Rating</source>
        <translation>Rating</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="83"/>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="83"/>
        <source>Clerk</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="83"/>
        <source>Window</source>
        <translation>Window</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="84"/>
        <source>Due (Beijing)</source>
        <translation>Due (Beijing)</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="84"/>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="84"/>
        <source>Call-back</source>
        <translation>Call-back</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="86"/>
        <source>&amp;Record call-back… (Enter on an item)</source>
        <translation>&amp;Record call-back… (Enter on an item)</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="97"/>
        <source>Asking the hall for its remediation items…</source>
        <translation>Asking the hall for its remediation items…</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="138"/>
        <source>No hall is configured for this office: there are no remediation items.</source>
        <translation>No hall is configured for this office: there are no remediation items.</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="143"/>
        <source>Remediation items: %1; waiting for a call-back: %2, of them overdue: %3.</source>
        <translation>Remediation items: %1; waiting for a call-back: %2, of them overdue: %3.</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="167"/>
        <source> (provisional calendar)</source>
        <translation> (provisional calendar)</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="171"/>
        <source>Called back</source>
        <translation>Called back</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="173"/>
        <source>Recorded here, not yet at the hall</source>
        <translation>Recorded here, not yet at the hall</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="174"/>
        <source>Overdue</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="174"/>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="179"/>
        <source>resolved</source>
        <translation>resolved</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="179"/>
        <source>not resolved</source>
        <translation>not resolved</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="193"/>
        <source>Item %1: %2, %3, window %4, due %5.</source>
        <translation>Item %1: %2, %3, window %4, due %5.</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="223"/>
        <source>The call-back is recorded and signed; telling the hall…</source>
        <translation>The call-back is recorded and signed; telling the hall…</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="230"/>
        <source>The call-back is recorded and signed, and the hall closed the item.</source>
        <translation>The call-back is recorded and signed, and the hall closed the item.</translation>
    </message>
    <message>
        <location filename="../../ui/review_remediation.py" line="236"/>
        <source>The call-back is recorded and signed at the office, but the hall could not be told (%1). Record the item&apos;s call-back again to send the same record.</source>
        <translation>The call-back is recorded and signed at the office, but the hall could not be told (%1). Record the item&apos;s call-back again to send the same record.</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../ui/review_screen.py" line="242"/>
        <source>Daily review</source>
        <translation>Daily review</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="243"/>
        <source>Day:</source>
        <translation>Day:</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="244"/>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="245"/>
        <source>Clerk:</source>
        <translation>Clerk:</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="245"/>
        <source>Service:</source>
        <translation>Service:</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="245"/>
        <source>Verdict:</source>
        <translation>Verdict:</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="246"/>
        <source>Action:</source>
        <translation>Action:</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="249"/>
        <source>Timeline</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="249"/>
        <source>Figures</source>
        <translation>Figures</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="249"/>
        <source>Anomalies</source>
        <translation>Anomalies</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="250"/>
        <source>Integrity</source>
        <translation>Integrity</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="253"/>
        <source>Sign the day off (Ctrl+Enter)</source>
        <translation>Sign the day off (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="254"/>
        <source>Export PDF… (Ctrl+P)</source>
        <translation>Export PDF… (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="255"/>
        <source>Export CSV… (Ctrl+E)</source>
        <translation>Export CSV… (Ctrl+E)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/review_screen.py" line="407"/>
        <source>Audit chain intact: %n record(s) verified.</source>
        <translation>
            <numerusform>Audit chain intact: %n record verified.</numerusform>
            <numerusform>Audit chain intact: %n records verified.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="463"/>
        <source>Sign the day off</source>
        <translation>Sign the day off</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="256"/>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="250"/>
        <source>Refused entries</source>
        <translation>Refused entries</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="251"/>
        <source>Hall ratings</source>
        <translation>Hall ratings</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="251"/>
        <source>Call-backs</source>
        <translation>Call-backs</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="256"/>
        <source>Explanation</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="256"/>
        <source>Comment</source>
        <translation>Comment</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="274"/>
        <source>Opening %1…</source>
        <translation>Opening %1…</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="296"/>
        <source>Error: %1</source>
        <translation>Error: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="311"/>
        <source>(all)</source>
        <translation>(all)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="323"/>
        <source>Actions: %1; anomalies: %2.</source>
        <translation>Actions: %1; anomalies: %2.</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="327"/>
        <source>Signed off by %1.</source>
        <translation>Signed off by %1.</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="327"/>
        <source>Not signed off yet.</source>
        <translation>Not signed off yet.</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="349"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="349"/>
        <source>Actions</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="349"/>
        <source>Opened</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="349"/>
        <source>Advanced</source>
        <translation>Advanced</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="349"/>
        <source>Closed</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="350"/>
        <source>Rejected</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="350"/>
        <source>Median (min)</source>
        <translation>Median (min)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="350"/>
        <source>P90 (min)</source>
        <translation>P90 (min)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="350"/>
        <source>Verdicts</source>
        <translation>Verdicts</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="351"/>
        <source>Refusals</source>
        <translation>Refusals</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="351"/>
        <source>Offline (min)</source>
        <translation>Offline (min)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="351"/>
        <source>Outbox</source>
        <translation>Outbox</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="351"/>
        <source>Set aside</source>
        <translation>Set aside</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="372"/>
        <source>No service</source>
        <translation>No service</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="374"/>
        <source>Hourly load per service</source>
        <translation>Hourly load per service</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="374"/>
        <source>Others</source>
        <translation>Others</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="376"/>
        <source>Verdict mix</source>
        <translation>Verdict mix</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="379"/>
        <source>%1: %2 opened, %3 closed, %4 verdicts per day</source>
        <translation>%1: %2 opened, %3 closed, %4 verdicts per day</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="380"/>
        <source>Day</source>
        <translation>Day</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="380"/>
        <source>Week</source>
        <translation>Week</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="380"/>
        <source>Month</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="408"/>
        <source>Audit chain BROKEN: %1</source>
        <translation>Audit chain BROKEN: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="409"/>
        <source>Last signed-off day: %1</source>
        <translation>Last signed-off day: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="409"/>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="410"/>
        <source>Checkpoints held: %1</source>
        <translation>Checkpoints held: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="411"/>
        <source>Entries of the day included in their logs: %1; pending: %2</source>
        <translation>Entries of the day included in their logs: %1; pending: %2</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="413"/>
        <source>Problem: %1</source>
        <translation>Problem: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="419"/>
        <source>Audit trail anchored on the department log: records %1; newer records not yet anchored: %2, for %3 h (they are anchored at the next sync)</source>
        <translation>Audit trail anchored on the department log: records %1; newer records not yet anchored: %2, for %3 h (they are anchored at the next sync)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="452"/>
        <source>You sign off %1 for this office: the work recorded up to %2 (Beijing time), with your comments (actions: %3, anomalies: %4). Work recorded after this is shown as “after sign-off” in the next review. Sign now?</source>
        <translation>You sign off %1 for this office: the work recorded up to %2 (Beijing time), with your comments (actions: %3, anomalies: %4). Work recorded after this is shown as “after sign-off” in the next review. Sign now?</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="465"/>
        <source>&amp;Sign</source>
        <translation>&amp;Sign</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="466"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="490"/>
        <source>Signed off. Ledger entry %1.</source>
        <translation>Signed off. Ledger entry %1.</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="499"/>
        <source>PDF report (*.pdf)</source>
        <translation>PDF report (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="499"/>
        <source>CSV table (*.csv)</source>
        <translation>CSV table (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="500"/>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="541"/>
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
    <name>RootConfirmation</name>
    <message>
        <location filename="../../ui/root_confirmation.py" line="48"/>
        <source>Trust this root certificate?</source>
        <translation>Trust this root certificate?</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="48"/>
        <source>Stop trusting this root?</source>
        <translation>Stop trusting this root?</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="53"/>
        <source>List</source>
        <translation>List</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="54"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="55"/>
        <source>Subject</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="56"/>
        <source>Issuer</source>
        <translation>Issuer</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="57"/>
        <source>Serial number</source>
        <translation>Serial number</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="58"/>
        <source>Valid from</source>
        <translation>Valid from</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="59"/>
        <source>Valid until</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="60"/>
        <source>SM3 fingerprint</source>
        <translation>SM3 fingerprint</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="61"/>
        <source>SHA-256 fingerprint</source>
        <translation>SHA-256 fingerprint</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="64"/>
        <source>Added</source>
        <translation>Added</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="77"/>
        <source>Compare the fingerprint with the one the issuing authority gave you on paper or by phone. Only then trust the root: every certificate it signs will be accepted. The change is recorded in the audit trail under your name.</source>
        <translation>Compare the fingerprint with the one the issuing authority gave you on paper or by phone. Only then trust the root: every certificate it signs will be accepted. The change is recorded in the audit trail under your name.</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="83"/>
        <source>Certificates signed under this root will no longer be accepted at this office. The change is recorded in the audit trail under your name.</source>
        <translation>Certificates signed under this root will no longer be accepted at this office. The change is recorded in the audit trail under your name.</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="90"/>
        <source>I have compared the fingerprint and it matches.</source>
        <translation>I have compared the fingerprint and it matches.</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="92"/>
        <source>I want this office to stop trusting this root.</source>
        <translation>I want this office to stop trusting this root.</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="98"/>
        <source>Where the root came from (optional)</source>
        <translation>Where the root came from (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="102"/>
        <source>&amp;Trust this root</source>
        <translation>&amp;Trust this root</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="102"/>
        <source>&amp;Stop trusting</source>
        <translation>&amp;Stop trusting</translation>
    </message>
    <message>
        <location filename="../../ui/root_confirmation.py" line="106"/>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ScanPreview</name>
    <message>
        <location filename="../../ui/scan_preview.py" line="84"/>
        <source>Starting camera…</source>
        <translation>Starting camera…</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="116"/>
        <source>Camera ready</source>
        <translation>Camera ready</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="117"/>
        <source>Camera unavailable, retrying: %1</source>
        <translation>Camera unavailable, retrying: %1</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="118"/>
        <source>Camera lost, reconnecting: %1</source>
        <translation>Camera lost, reconnecting: %1</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="119"/>
        <source>Camera reconnected</source>
        <translation>Camera reconnected</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="120"/>
        <source>End of input</source>
        <translation>End of input</translation>
    </message>
    <message>
        <location filename="../../ui/scan_preview.py" line="122"/>
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
        <location filename="../../ui/settings_dialog.py" line="84"/>
        <source>Only an administrator may change the nodes, the trust policy and the queue system.</source>
        <translation>Only an administrator may change the nodes, the trust policy and the queue system.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="95"/>
        <source>Camera source</source>
        <translation>Camera source</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="97"/>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="98"/>
        <source>Lock after idle</source>
        <translation>Lock after idle</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="99"/>
        <source>Department nodes
(origin URL, one per line)</source>
        <translation>Department nodes
(origin URL, one per line)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="100"/>
        <source>Trust policy</source>
        <translation>Trust policy</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="101"/>
        <source>Queue system (hall) URL</source>
        <translation>Queue system (hall) URL</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="102"/>
        <source>This counter&apos;s hall key file</source>
        <translation>This counter&apos;s hall key file</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="104"/>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="105"/>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="148"/>
        <source>Not saved: %1</source>
        <translation>Not saved: %1</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <location filename="../../ui/status_panel.py" line="48"/>
        <source>Cancel sync</source>
        <translation>Cancel sync</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="82"/>
        <source>Nodes: %1</source>
        <translation>Nodes: %1</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="82"/>
        <source>none configured</source>
        <translation>none configured</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="85"/>
        <source>Nodes %1/%2 online %3</source>
        <translation>Nodes %1/%2 online %3</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="90"/>
        <source>● online   ○ offline   ◌ not yet contacted</source>
        <translation>● online   ○ offline   ◌ not yet contacted</translation>
    </message>
    <message>
        <location filename="../../ui/status_panel.py" line="94"/>
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
        <location filename="../../ui/review_screen.py" line="96"/>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="96"/>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="96"/>
        <source>Account</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="96"/>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="96"/>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="97"/>
        <source>Case</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="97"/>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../../ui/review_screen.py" line="97"/>
        <source>Verdict</source>
        <translation>Verdict</translation>
    </message>
</context>
<context>
    <name>TrustRootsScreen</name>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="51"/>
        <source>Trusted root certificates</source>
        <translation>Trusted root certificates</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="60"/>
        <source>Roots are not taken from the ledger: a department cannot vouch for the root that certifies it. Add a root only from a file your administration handed you, and compare its fingerprint.</source>
        <translation>Roots are not taken from the ledger: a department cannot vouch for the root that certifies it. Add a root only from a file your administration handed you, and compare its fingerprint.</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="68"/>
        <source>Department roots (certify department node keys)</source>
        <translation>Department roots (certify department node keys)</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="69"/>
        <source>Seal and e-invoice roots (certify seals and e-documents)</source>
        <translation>Seal and e-invoice roots (certify seals and e-documents)</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="73"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="73"/>
        <source>SM3 fingerprint</source>
        <translation>SM3 fingerprint</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="73"/>
        <source>Valid until</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="73"/>
        <source>Added by</source>
        <translation>Added by</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="73"/>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="80"/>
        <source>&amp;Add from file…</source>
        <translation>&amp;Add from file…</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="82"/>
        <source>&amp;Remove…</source>
        <translation>&amp;Remove…</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="118"/>
        <source>Nothing was changed: %1</source>
        <translation>Nothing was changed: %1</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="147"/>
        <source>Root certificate file</source>
        <translation>Root certificate file</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="149"/>
        <source>Certificates (*.pem *.crt *.cer *.der)</source>
        <translation>Certificates (*.pem *.crt *.cer *.der)</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="149"/>
        <source>All files (*)</source>
        <translation>All files (*)</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="157"/>
        <source>Checking the certificate…</source>
        <translation>Checking the certificate…</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="171"/>
        <source>Not added.</source>
        <translation>Not added.</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="173"/>
        <source>Trusted: %1</source>
        <translation>Trusted: %1</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="184"/>
        <source>%1 by %2</source>
        <translation>%1 by %2</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="191"/>
        <source>Not removed.</source>
        <translation>Not removed.</translation>
    </message>
    <message>
        <location filename="../../ui/trust_roots_screen.py" line="193"/>
        <source>No longer trusted: %1</source>
        <translation>No longer trusted: %1</translation>
    </message>
</context>
<context>
    <name>VerdictCard</name>
    <message>
        <location filename="../../ui/verdict_card.py" line="22"/>
        <source>its data is damaged or incomplete</source>
        <translation>its data is damaged or incomplete</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="43"/>
        <source>Valid: accept the certificate</source>
        <translation>Valid: accept the certificate</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="44"/>
        <source>Expired: do not accept</source>
        <translation>Expired: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="45"/>
        <source>Not yet valid</source>
        <translation>Not yet valid</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="46"/>
        <source>Revoked: do not accept</source>
        <translation>Revoked: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="47"/>
        <source>Unknown issuer: do not accept</source>
        <translation>Unknown issuer: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="48"/>
        <source>Forged or altered: do not accept</source>
        <translation>Forged or altered: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="49"/>
        <source>Signed by the wrong key: do not accept</source>
        <translation>Signed by the wrong key: do not accept</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="50"/>
        <source>Not a readable certificate</source>
        <translation>Not a readable certificate</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="51"/>
        <source>Cannot verify offline: sync first</source>
        <translation>Cannot verify offline: sync first</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="58"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="59"/>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="60"/>
        <source>Relation to head</source>
        <translation>Relation to head</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="61"/>
        <source>Credit code</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="62"/>
        <source>Business scope</source>
        <translation>Business scope</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="63"/>
        <source>Period</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="64"/>
        <source>Property unit</source>
        <translation>Property unit</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="65"/>
        <source>Share</source>
        <translation>Share</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="66"/>
        <source>Spouse</source>
        <translation>Spouse</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="67"/>
        <source>Registered on</source>
        <translation>Registered on</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="104"/>
        <source>Verification failed</source>
        <translation>Verification failed</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="123"/>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="125"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="126"/>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="135"/>
        <source>No certificate scanned yet</source>
        <translation>No certificate scanned yet</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="136"/>
        <source>Hold the citizen&apos;s QR code up to the camera (F3 focuses the camera panel).</source>
        <translation>Hold the citizen&apos;s QR code up to the camera (F3 focuses the camera panel).</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="142"/>
        <source>Cannot verify: the issuer&apos;s log is under a fork alarm</source>
        <translation>Cannot verify: the issuer&apos;s log is under a fork alarm</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="149"/>
        <source>Certificate</source>
        <translation>Certificate</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="155"/>
        <source>Valid until</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="157"/>
        <source>Serial</source>
        <translation>Serial</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="159"/>
        <source>The replica holds no data from this issuer.</source>
        <translation>The replica holds no data from this issuer.</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="161"/>
        <source>Based on replica data synced just now.</source>
        <translation>Based on replica data synced just now.</translation>
    </message>
    <message>
        <location filename="../../ui/verdict_card.py" line="164"/>
        <source>Based on replica data synced %1 ago.</source>
        <translation>Based on replica data synced %1 ago.</translation>
    </message>
</context>
</TS>
