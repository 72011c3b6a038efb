<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>StageDetail</name>
    <message>
        <source>Numbers</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>All heads</source>
        <translation>所有注意力头</translation>
    </message>
    <message>
        <source>Next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <source>Embedding map</source>
        <translation>嵌入分布图</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>Point at a cell to read its value.</source>
        <translation>将鼠标指向一个格子，读出它的数值。</translation>
    </message>
    <message>
        <source>Click a cell to see how its number is computed.</source>
        <translation>点击一个格子，查看它的数值是怎样算出来的。</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>, </source>
        <comment>between axis names</comment>
        <translation>，</translation>
    </message>
    <message>
        <source>shape {shape} · axes {axes}</source>
        <translation>形状：{shape} · 轴：{axes}</translation>
    </message>
    <message>
        <source>Head {h}, query {i} “{q}”</source>
        <translation>注意力头 {h}，查询 {i}“{q}”</translation>
    </message>
    <message>
        <source>key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>After position {pos} “{token}”: the 10 most likely next tokens</source>
        <translation>位置 {pos}“{token}”之后：最可能出现的 10 个词元</translation>
    </message>
    <message>
        <source>value at ({row}, {col}) = {v}</source>
        <translation>({row}, {col}) 处的值 = {v}</translation>
    </message>
    <message>
        <source>softmax</source>
        <translation>softmax</translation>
    </message>
    <message>
        <source>A·v (first dims)</source>
        <translation>A·v（前几维）</translation>
    </message>
    <message>
        <source>masked</source>
        <translation>已掩码</translation>
    </message>
    <message>
        <source>Σ softmax = {t}; out = Σ A·v = [{v}{more}]</source>
        <translation>Σ softmax = {t}；out = Σ A·v = [{v}{more}]</translation>
    </message>
</context>
</TS>
