<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<!-- Qt's own texts that PySide6's qtbase_zh_CN.qm lacks (Qt 6 labels of the file dialog): installed beside it by
     ui/i18n.py; tests/test_ui_i18n.py checks that Qt's dialog shows no English under zh_CN. -->
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
</TS>
