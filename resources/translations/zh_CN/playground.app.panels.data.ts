<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DataPanel</name>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Choose a built-in dataset or open a text file</source>
        <translation>选择内置数据集，或打开文本文件</translation>
    </message>
    <message>
        <source>&lt;b&gt;Built-in datasets&lt;/b&gt;</source>
        <translation>&lt;b&gt;内置数据集&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Open text file…</source>
        <translation>打开文本文件…</translation>
    </message>
    <message>
        <source>Train on a text file of your own (you can also drop it on the window)</source>
        <translation>用你自己的文本文件训练（也可以把文件拖到窗口上）</translation>
    </message>
    <message>
        <source>Cleaning (for your own text)</source>
        <translation>文本清洗（用于你自己的文本）</translation>
    </message>
    <message>
        <source>Project Gutenberg: only the book</source>
        <translation>古腾堡计划：只保留正文</translation>
    </message>
    <message>
        <source>Unicode NFKC (ﬁ → fi, Ａ → A)</source>
        <translation>Unicode NFKC（ﬁ → fi，Ａ → A）</translation>
    </message>
    <message>
        <source>Lower-case</source>
        <translation>转为小写</translation>
    </message>
    <message>
        <source>Remove punctuation</source>
        <translation>去除标点</translation>
    </message>
    <message>
        <source>Collapse whitespace</source>
        <translation>合并连续空白</translation>
    </message>
    <message>
        <source>Leave out what Project Gutenberg adds around a book it hosts: the header before “*** START OF THE PROJECT GUTENBERG EBOOK” and the licence after “*** END OF”. A text without them is kept whole.</source>
        <translation>去掉古腾堡计划（Project Gutenberg）在所收录书籍前后加上的内容：“*** START OF THE PROJECT GUTENBERG EBOOK”之前的说明和“*** END OF”之后的许可证。没有这些标记的文本会完整保留。</translation>
    </message>
    <message>
        <source>Use these options for training</source>
        <translation>用这些选项训练</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Characters</source>
        <translation>字符数</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Distinct characters</source>
        <translation>不同字符数</translation>
    </message>
    <message>
        <source>Words</source>
        <translation>词数</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>As read</source>
        <translation>原文</translation>
    </message>
    <message>
        <source>After cleaning</source>
        <translation>清洗后</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>源文本</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标文本</translation>
    </message>
    <message>
        <source>Building “{title}”: generating the data, training the tokenizer…</source>
        <translation>正在构建“{title}”：生成数据，训练分词器…</translation>
    </message>
    <message>
        <source>Text files (*.txt *.md *.csv *.tsv *.json *.py *.html *.srt);;All files (*)</source>
        <translation>文本文件 (*.txt *.md *.csv *.tsv *.json *.py *.html *.srt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open a text file</source>
        <translation>打开文本文件</translation>
    </message>
    <message>
        <source>Reading {path} and training the tokenizer…</source>
        <translation>正在读取 {path} 并训练分词器…</translation>
    </message>
    <message>
        <source>Cleaning the text and training the tokenizer again…</source>
        <translation>正在清洗文本并重新训练分词器…</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>language modelling</source>
        <translation>语言建模</translation>
    </message>
    <message>
        <source>source → target examples</source>
        <translation>“源 → 目标”样例</translation>
    </message>
    <message>
        <source>{title} — built-in dataset, {kind}</source>
        <translation>{title} — 内置数据集，{kind}</translation>
    </message>
    <message>
        <source>{name} — pretrained model (Hugging Face GPT-2)</source>
        <translation>{name} — 预训练模型（Hugging Face GPT-2）</translation>
    </message>
    <message>
        <source>&lt;b&gt;A pretrained model&lt;/b&gt;&lt;br&gt;{folder}&lt;br&gt;&lt;br&gt;It was trained elsewhere and brings no data: type your own text in Tokenize, Inspect and Generate. To train a model here, choose a dataset or open a text file.</source>
        <translation>&lt;b&gt;预训练模型&lt;/b&gt;&lt;br&gt;{folder}&lt;br&gt;&lt;br&gt;它是在别处训练好的，没有附带数据：请在“分词”“剖析”和“生成”面板中输入你自己的文本。要在这里训练模型，请选择一个数据集或打开一个文本文件。</translation>
    </message>
    <message>
        <source>{name} — your text, language modelling</source>
        <translation>{name} — 你的文本，语言建模</translation>
    </message>
    <message>
        <source>typed text</source>
        <translation>输入的文本</translation>
    </message>
    <message>
        <source>&lt;b&gt;Your text&lt;/b&gt;&lt;br&gt;{where}&lt;br&gt;&lt;br&gt;The model learns to continue it, {kind} by {kind}; the last tenth is held out to measure how well it does on text it never trained on.</source>
        <translation>&lt;b&gt;你的文本&lt;/b&gt;&lt;br&gt;{where}&lt;br&gt;&lt;br&gt;模型学习一个{kind}接一个{kind}地续写这段文本；最后十分之一留作验证，用来衡量模型在没训练过的文本上表现如何。</translation>
    </message>
    <message>
        <source>character</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>Statistics, as saved with the session ({path} is missing)</source>
        <translation>统计（会话中保存的结果；找不到 {path}）</translation>
    </message>
    <message>
        <source>Statistics of a sample: the first {n} characters of the saved tokens ({path} is missing)</source>
        <translation>样本统计：已保存词元的前 {n} 个字符（找不到 {path}）</translation>
    </message>
    <message>
        <source>Longest example</source>
        <translation>最长样例</translation>
    </message>
    <message>
        <source>{n} tokens</source>
        <translation>{n} 个词元</translation>
    </message>
    <message>
        <source>Training examples</source>
        <translation>训练样例</translation>
    </message>
    <message>
        <source>Validation examples</source>
        <translation>验证样例</translation>
    </message>
    <message>
        <source>Training tokens</source>
        <translation>训练词元</translation>
    </message>
    <message>
        <source>Validation tokens</source>
        <translation>验证词元</translation>
    </message>
    <message>
        <source>{kind}, {n} tokens</source>
        <translation>{kind}，{n} 个词元</translation>
    </message>
    <message>
        <source>= {chars} characters + {bytes} bytes + {special} special</source>
        <translation>= {chars} 个字符 + {bytes} 个字节 + {special} 个特殊词元</translation>
    </message>
    <message>
        <source>Words (CJK: one per character)</source>
        <translation>词数（中日文按字计）</translation>
    </message>
    <message>
        <source>Words are runs of letters and digits between spaces and punctuation. Chinese and Japanese are written without spaces, so each of their characters counts as one word. Emoji and symbols are not counted.</source>
        <translation>词是空格与标点之间连续的字母和数字。中文和日文书写时不用空格，所以每个字都算一个词。表情符号和其他符号不计入。</translation>
    </message>
    <message>
        <source>{n} of the words are single Chinese or Japanese characters.</source>
        <translation>其中 {n} 个词是单个中文或日文字符。</translation>
    </message>
    <message>
        <source>A model folder brings no text: there are no counts and no preview. To train a model, choose a dataset or open a text file.</source>
        <translation>模型文件夹不附带文本：没有统计数字，也没有预览。要训练模型，请选择数据集或打开文本文件。</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>样例</translation>
    </message>
    <message>
        <source>Preview: before and after cleaning</source>
        <translation>预览：清洗前后</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>文本示例</translation>
    </message>
    <message>
        <source>Cleaning reads the text file again, and {path} is missing: put it back, or open it again from where it is now.</source>
        <translation>清洗要重新读取文本文件，但找不到 {path}：请把它放回原处，或从它现在的位置重新打开。</translation>
    </message>
    <message>
        <source>Built-in datasets are already clean; cleaning applies to text files you open.</source>
        <translation>内置数据集已经清洗过；清洗只用于你打开的文本文件。</translation>
    </message>
</context>
</TS>
