<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TokenSpanView</name>
    <message>
        <source>… and {n} more tokens (not drawn)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>id {id}   token {token}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(stored as {raw})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Characters {a}–{b}: not part of any token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>characters {a}–{b}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not in the vocabulary: unknown or spelled as bytes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
