<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EmbeddingMap</name>
    <message>
        <source>first principal direction</source>
        <translation>第一主成分方向</translation>
    </message>
    <message>
        <source>second principal direction</source>
        <translation>第二主成分方向</translation>
    </message>
    <message>
        <source>Find a token by its text, e.g. the or 悟…</source>
        <translation>按文本查找词元，例如 the 或 悟…</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>{n} tokens projected to 2-D (PCA). Labelled: the input&apos;s tokens (bold) and those of the {k} most frequent in the training data that have room; find any other below.</source>
        <translation>{n} 个词元投影到二维（PCA）。已标注：输入中的词元（粗体），以及训练数据中最常见的 {k} 个词元里放得下标签的那些；其他词元可在下方查找。</translation>
    </message>
    <message>
        <source>{n} tokens projected to 2-D (PCA). Labelled: the input&apos;s tokens (bold); find any other below.</source>
        <translation>{n} 个词元投影到二维（PCA）。已标注：输入中的词元（粗体）；其他词元可在下方查找。</translation>
    </message>
    <message>
        <source>No token reads “{text}”.</source>
        <translation>没有文本为“{text}”的词元。</translation>
    </message>
    <message>
        <source>“{text}” is not on the map: its row is left out, never trained.</source>
        <translation>“{text}”不在图上：它那一行从未训练过，已略去。</translation>
    </message>
    <message>
        <source>{n} found, highlighted</source>
        <translation>找到 {n} 个，已高亮</translation>
    </message>
</context>
</TS>
