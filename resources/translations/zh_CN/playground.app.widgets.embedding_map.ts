<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EmbeddingMap</name>
    <message>
        <source>first principal direction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>second principal direction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a token by its text, e.g. the or 悟…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} tokens projected to 2-D (PCA). Labelled: the input&apos;s tokens (bold) and those of the {k} most frequent in the training data that have room; find any other below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} tokens projected to 2-D (PCA). Labelled: the input&apos;s tokens (bold); find any other below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No token reads “{text}”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{text}” is not on the map: its row is left out, never trained.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} found, highlighted</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
