<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MergesModel</name>
    <message>
        <source>Stored as {a} + {b} → {ab}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MergesView</name>
    <message>
        <source>Only BPE tokenizers learn merges; a {kind} tokenizer has none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} merges, in the order they were learnt: the most frequent pair of symbols is joined first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VocabularyBrowser</name>
    <message>
        <source>Search tokens by their text, or an id…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens are shown as the text they stand for: {space} is a space, {newline} a line break, {partial} bytes that are only part of a character. Point at a token for the byte symbols it is stored as ({g} for a space, {c} for a line break).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{space} is a space, {newline} a line break; {byte} is a byte token, used for characters the corpus did not have.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{ing} continues a word (stored as {hashes}); {space} is a space.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{space} is a space, stored as {meta}; {newline} a line break.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VocabularyModel</name>
    <message>
        <source>{text}  — stored as {raw}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
