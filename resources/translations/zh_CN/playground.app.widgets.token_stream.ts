<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TokenStreamView</name>
    <message>
        <source>&lt;b&gt;{token}&lt;/b&gt; with probability {p}</source>
        <translation>&lt;b&gt;{token}&lt;/b&gt;，概率 {p}</translation>
    </message>
</context>
</TS>
