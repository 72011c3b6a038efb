<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>InvisibleCharacters</name>
    <message>
        <source>ideographic space (a full-width space)</source>
        <translation>表意文字空格（全角空格）</translation>
    </message>
    <message>
        <source>no-break space</source>
        <translation>不换行空格</translation>
    </message>
    <message>
        <source>zero-width space</source>
        <translation>零宽空格</translation>
    </message>
    <message>
        <source>byte-order mark (zero-width no-break space)</source>
        <translation>字节顺序标记（零宽不换行空格）</translation>
    </message>
    <message>
        <source>zero-width joiner</source>
        <translation>零宽连接符</translation>
    </message>
    <message>
        <source>soft hyphen</source>
        <translation>软连字符</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>制表符</translation>
    </message>
    <message>
        <source>carriage return</source>
        <translation>回车符</translation>
    </message>
    <message>
        <source>control character</source>
        <translation>控制字符</translation>
    </message>
    <message>
        <source>“{mark}” is {name}</source>
        <translation>“{mark}”是{name}</translation>
    </message>
</context>
<context>
    <name>TokenSpanView</name>
    <message>
        <source>… and {n} more tokens (not drawn)</source>
        <translation>… 还有 {n} 个词元（未绘制）</translation>
    </message>
    <message>
        <source>id {id}   token {token}</source>
        <translation>ID {id}   词元 {token}</translation>
    </message>
    <message>
        <source>(stored as {raw})</source>
        <translation>（存储为 {raw}）</translation>
    </message>
    <message>
        <source>Characters {a}–{b}: not part of any token</source>
        <translation>字符 {a}–{b}：不属于任何词元</translation>
    </message>
    <message>
        <source>characters {a}–{b}</source>
        <translation>字符 {a}–{b}</translation>
    </message>
    <message>
        <source>“▁” is unigram&apos;s mark for the start of a word (the text&apos;s start, or a space): no token holds it together with the next character, so it is a token of its own</source>
        <translation>“▁”是 Unigram 表示词开头的记号（文本的开头，或一个空格处）：词表中没有把它和后一个字符合在一起的词元，所以它单独成为一个词元</translation>
    </message>
    <message>
        <source>not in the vocabulary: unknown or spelled as bytes</source>
        <translation>不在词表中：未知，或拆成了字节</translation>
    </message>
</context>
</TS>
