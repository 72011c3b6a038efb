<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>HeadToggles</name>
    <message>
        <source>Encoder layer {i}</source>
        <translation>编码器第 {i} 层</translation>
    </message>
    <message>
        <source>Decoder layer {i}</source>
        <translation>解码器第 {i} 层</translation>
    </message>
    <message>
        <source>cross-attention</source>
        <translation>交叉注意力</translation>
    </message>
    <message>
        <source>self-attention</source>
        <translation>自注意力</translation>
    </message>
    <message>
        <source>{layer} {attention}</source>
        <translation>{layer}{attention}</translation>
    </message>
    <message>
        <source>Switch all heads back on</source>
        <translation>重新开启所有注意力头</translation>
    </message>
    <message>
        <source>Click a head to switch it off (ablation): its output becomes zeros. The trace and the next-token scores are computed again.</source>
        <translation>点击一个注意力头即可关闭它（消融）：它的输出变为全零，追踪结果和下一个词元的分数随之重新计算。</translation>
    </message>
    <message>
        <source>head {i}</source>
        <translation>头 {i}</translation>
    </message>
    <message>
        <source>On: the head takes part. Off: it is ablated.</source>
        <translation>开：这个注意力头参与计算。关：它被消融。</translation>
    </message>
</context>
</TS>
