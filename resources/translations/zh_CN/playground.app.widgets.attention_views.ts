<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttentionLinesView</name>
    <message>
        <source>keys</source>
        <translation>键</translation>
    </message>
    <message>
        <source>queries</source>
        <translation>查询</translation>
    </message>
</context>
<context>
    <name>HeadGrid</name>
    <message>
        <source>Click to enlarge head {i}</source>
        <translation>点击放大注意力头 {i}</translation>
    </message>
    <message>
        <source>head {i}</source>
        <translation>头 {i}</translation>
    </message>
</context>
</TS>
