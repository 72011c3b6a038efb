<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TokenizePanel</name>
    <message>
        <source>Characters (char)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Byte-level BPE (bpe)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WordPiece (wordpiece)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unigram (unigram)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whole words (word)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type or paste any text here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Text&lt;/b&gt; — every keystroke is tokenized by both tokenizers below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokenize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>See text split into tokens; train and compare tokenizers</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenizerColumn</name>
    <message>
        <source>Vocabulary size: how many tokens the tokenizer may learn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train on the corpus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use for training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train the model with this tokenizer (the model is rebuilt for its vocabulary)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merges</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>automatic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training a {kind} tokenizer on the corpus…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training failed: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train a tokenizer of this kind on the data in use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not trained yet: press “Train on the corpus” to build a {kind} tokenizer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In use for training · {n} tokens in the vocabulary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trained on the corpus · {n} tokens in the vocabulary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(more than the {asked} asked for: every character of the corpus has a token of its own)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train this tokenizer to see how it splits the text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;{n}&lt;/b&gt; tokens · &lt;b&gt;{cpt}&lt;/b&gt; characters per token · &lt;b&gt;{unk} %&lt;/b&gt; unknown</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
