<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttentionLinesView</name>
    <message>
        <source>keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>queries</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HeadGrid</name>
    <message>
        <source>Click to enlarge head {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>head {i}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
