<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MergesModel</name>
    <message>
        <source>Stored as {a} + {b} → {ab}</source>
        <translation>存储形式：{a} + {b} → {ab}</translation>
    </message>
</context>
<context>
    <name>MergesView</name>
    <message>
        <source>Only BPE tokenizers learn merges; a {tokenizer} has none.</source>
        <translation>只有 BPE 分词器会学习合并规则；{tokenizer}没有合并规则。</translation>
    </message>
    <message>
        <source>{n} merges, in the order they were learnt: the most frequent pair of symbols is joined first.</source>
        <translation>共 {n} 条合并规则，按学到的先后排列：最常一起出现的符号对最先合并。</translation>
    </message>
</context>
<context>
    <name>VocabularyBrowser</name>
    <message>
        <source>Search tokens by their text, or an id…</source>
        <translation>按文本或 ID 搜索词元…</translation>
    </message>
    <message>
        <source>Tokens are shown as the text they stand for: {space} is a space, {newline} a line break, {partial} bytes that are only part of a character. Point at a token for the byte symbols it is stored as ({g} for a space, {c} for a line break).</source>
        <translation>词元显示为它代表的文本：{space} 是空格，{newline} 是换行，{partial} 是只构成字符一部分的字节。鼠标指向词元，可以看到它存储时用的字节符号（{g} 表示空格，{c} 表示换行）。</translation>
    </message>
    <message>
        <source>{space} is a space, {newline} a line break; {byte} is a byte token, used for characters the corpus did not have.</source>
        <translation>{space} 是空格，{newline} 是换行；{byte} 是字节词元，用来表示语料中没有出现过的字符。</translation>
    </message>
    <message>
        <source>{ing} continues a word (stored as {hashes}); {space} is a space.</source>
        <translation>{ing} 表示接在词的后面（存储为 {hashes}）；{space} 是空格。</translation>
    </message>
    <message>
        <source>{space} is a space, stored as {meta}; {newline} a line break.</source>
        <translation>{space} 是空格，存储为 {meta}；{newline} 是换行。</translation>
    </message>
    <message>
        <source>{wide} is a full-width space.</source>
        <translation>{wide} 是全角空格。</translation>
    </message>
    <message>
        <source>{other} is another space (no-break, thin …).</source>
        <translation>{other} 是其他空格（不换行空格、窄空格等）。</translation>
    </message>
    <message>
        <source>{invisible} takes no room (zero-width space, byte-order mark …).</source>
        <translation>{invisible} 是不占宽度的字符（零宽空格、字节顺序标记等）。</translation>
    </message>
    <message>
        <source>Point at a token for the name of its character.</source>
        <translation>把鼠标指向词元，可以看到其中字符的名称。</translation>
    </message>
</context>
<context>
    <name>VocabularyModel</name>
    <message>
        <source>{text}  — stored as {raw}</source>
        <translation>{text}  — 存储为 {raw}</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>词元</translation>
    </message>
</context>
</TS>
