<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TokenizePanel</name>
    <message>
        <source>Characters (char)</source>
        <translation>字符（char）</translation>
    </message>
    <message>
        <source>Byte-level BPE (bpe)</source>
        <translation>字节级 BPE（bpe）</translation>
    </message>
    <message>
        <source>WordPiece (wordpiece)</source>
        <translation>WordPiece 子词（wordpiece）</translation>
    </message>
    <message>
        <source>Unigram (unigram)</source>
        <translation>Unigram 子词（unigram）</translation>
    </message>
    <message>
        <source>Whole words (word)</source>
        <translation>整词（word）</translation>
    </message>
    <message>
        <source>Type or paste any text here</source>
        <translation>在这里输入或粘贴任意文本</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>对比分词器</translation>
    </message>
    <message>
        <source>&lt;b&gt;Text&lt;/b&gt; — every keystroke is tokenized by both tokenizers below</source>
        <translation>&lt;b&gt;文本&lt;/b&gt; — 每次按键，下面两个分词器都会重新分词</translation>
    </message>
    <message>
        <source>Tokenize</source>
        <translation>分词</translation>
    </message>
    <message>
        <source>See text split into tokens; train and compare tokenizers</source>
        <translation>查看文本如何切分成词元；训练并比较分词器</translation>
    </message>
</context>
<context>
    <name>TokenizerColumn</name>
    <message>
        <source>Vocabulary size: how many tokens the tokenizer may learn</source>
        <translation>词表大小：分词器最多可以学习多少个词元</translation>
    </message>
    <message>
        <source>Train on the corpus</source>
        <translation>在语料上训练</translation>
    </message>
    <message>
        <source>Use for training</source>
        <translation>用于训练</translation>
    </message>
    <message>
        <source>Train the model with this tokenizer (the model is rebuilt for its vocabulary)</source>
        <translation>用这个分词器训练模型（模型会按它的词表重建）</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Merges</source>
        <translation>合并规则</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Training a {tokenizer} on the corpus… {elapsed}</source>
        <translation>正在用语料训练{tokenizer}… {elapsed}</translation>
    </message>
    <message>
        <source>Nothing to train on: a model folder brings no corpus. To train a tokenizer and compare it, choose a dataset or open a text file in Data.</source>
        <translation>没有可训练的语料：模型文件夹不附带语料。要训练分词器并进行对比，请在“数据”面板中选择数据集或打开文本文件。</translation>
    </message>
    <message>
        <source>Not trained yet: press “Train on the corpus” to build a {tokenizer}.</source>
        <translation>尚未训练：点击“在语料上训练”来构建{tokenizer}。</translation>
    </message>
    <message>
        <source>({p} of the corpus&apos;s tokens are pieces of characters split into their UTF-8 bytes; try a larger vocabulary)</source>
        <translation>（语料中 {p} 的词元是被拆成 UTF-8 字节的字符碎片；请试试更大的词表）</translation>
    </message>
    <message>
        <source>Training failed: {message}</source>
        <translation>训练失败：{message}</translation>
    </message>
    <message>
        <source>Train a tokenizer of this kind on the data in use</source>
        <translation>在当前数据上训练这种分词器</translation>
    </message>
    <message>
        <source>The model folder&apos;s own tokenizer · {n} tokens in the vocabulary</source>
        <translation>模型文件夹自带的分词器 · 词表中有 {n} 个词元</translation>
    </message>
    <message>
        <source>In use for training · {n} tokens in the vocabulary</source>
        <translation>正用于训练 · 词表中有 {n} 个词元</translation>
    </message>
    <message>
        <source>Trained on the corpus · {n} tokens in the vocabulary</source>
        <translation>已在语料上训练 · 词表中有 {n} 个词元</translation>
    </message>
    <message>
        <source>(more than the {asked} asked for: every character of the corpus has a token of its own)</source>
        <translation>（多于要求的 {asked} 个：语料中的每个字符都有自己的词元）</translation>
    </message>
    <message>
        <source>(fewer than the corpus&apos;s {n} distinct characters: rarer characters are split into their UTF-8 bytes; try a larger vocabulary)</source>
        <translation>（少于语料中的 {n} 个不同字符：较少见的字符会被拆成 UTF-8 字节；可以试试更大的词表）</translation>
    </message>
    <message>
        <source>(Chinese and Japanese are written without spaces: each of their characters is a word, and a token, of its own)</source>
        <translation>（中文和日文的词与词之间不写空格：每个字符各自算一个词，也各自是一个词元）</translation>
    </message>
    <message>
        <source>No tokenizer to show: there is no corpus to train one on.</source>
        <translation>没有可显示的分词器：没有语料可用来训练。</translation>
    </message>
    <message>
        <source>Train this tokenizer to see how it splits the text.</source>
        <translation>训练这个分词器，看看它怎样切分文本。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{n}&lt;/b&gt; tokens · &lt;b&gt;{cpt}&lt;/b&gt; characters per token · &lt;b&gt;{unk}&lt;/b&gt; spelled in bytes (characters it never saw)</source>
        <translation>&lt;b&gt;{n}&lt;/b&gt; 个词元 · 每个词元 &lt;b&gt;{cpt}&lt;/b&gt; 个字符 · 拆成字节 &lt;b&gt;{unk}&lt;/b&gt;（它没见过的字符）</translation>
    </message>
    <message>
        <source>&lt;b&gt;{n}&lt;/b&gt; tokens · &lt;b&gt;{cpt}&lt;/b&gt; characters per token · &lt;b&gt;{unk}&lt;/b&gt; unknown</source>
        <translation>&lt;b&gt;{n}&lt;/b&gt; 个词元 · 每个词元 &lt;b&gt;{cpt}&lt;/b&gt; 个字符 · 未知 &lt;b&gt;{unk}&lt;/b&gt;</translation>
    </message>
</context>
</TS>
