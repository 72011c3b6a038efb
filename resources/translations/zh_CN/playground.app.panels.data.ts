<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DataPanel</name>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a built-in dataset or open a text file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Built-in datasets&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open text file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train on a text file of your own (you can also drop it on the window)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleaning (for your own text)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Project Gutenberg: only the book</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unicode NFKC (ﬁ → fi, full-width → normal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lower-case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove punctuation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collapse whitespace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave out what Project Gutenberg adds around a book it hosts: the header before “*** START OF THE PROJECT GUTENBERG EBOOK” and the licence after “*** END OF”. A text without them is kept whole.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use these options for training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distinct characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After cleaning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building “{title}”: generating the data, training the tokenizer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text files (*.txt *.md *.csv *.tsv *.json *.py *.html *.srt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a text file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading {path} and training the tokenizer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleaning the text and training the tokenizer again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>language modelling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>source → target examples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} — built-in dataset, {kind}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} — your text, language modelling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>typed text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Your text&lt;/b&gt;&lt;br&gt;{where}&lt;br&gt;&lt;br&gt;The model learns to continue it, {kind} by {kind}; the last tenth is held out to measure how well it does on text it never trained on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>character</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statistics, as saved with the session ({path} is missing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statistics of a sample: the first {n} characters of the saved tokens ({path} is missing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training examples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation examples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{kind}, {n} tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Words (CJK: one per character)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Words are runs of letters and digits between spaces and punctuation. Chinese and Japanese are written without spaces, so each of their characters counts as one word. Emoji and symbols are not counted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} of the words are single Chinese or Japanese characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Examples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview: before and after cleaning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleaning reads the text file again, and {path} is missing: put it back, or open it again from where it is now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built-in datasets are already clean; cleaning applies to text files you open.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
