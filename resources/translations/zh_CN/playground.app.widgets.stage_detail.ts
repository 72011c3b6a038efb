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
        <source>, </source>
        <comment>between axis names</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shape {shape} · axes {axes}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>position</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dim</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hidden</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pair</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>token</source>
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
    <message>
        <source>softmax</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A·v (first dims)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>masked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Σ softmax = {t}; out = Σ A·v = [{v}{more}]</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
