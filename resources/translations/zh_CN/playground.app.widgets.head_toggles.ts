<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>HeadToggles</name>
    <message>
        <source>Encoder layer {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decoder layer {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cross-attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>self-attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer} {attention}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch all heads back on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click a head to switch it off (ablation): its output becomes zeros. The trace and the next-token scores are computed again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>head {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On: the head takes part. Off: it is ablated.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
