<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>StageDetail</name>
    <message>
        <source>Numbers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embedding map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Point at a cell to read its value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click a cell to see how its number is computed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shape {shape} · axes {axes}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After position {pos} “{token}”: the 10 most likely next tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>value at ({row}, {col}) = {v}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head {h}, query {i} “{q}”: A[i, j] = softmax_j(q·k_j/√{d}), out = Σ_j A[i, j]·v_j</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
