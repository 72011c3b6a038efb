<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TokenStreamView</name>
    <message>
        <source>Unknown to the tokenizer: the model sees &lt;unk&gt; here, not this text</source>
        <translation>分词器不认识：模型在这里看到的是 &lt;unk&gt;，而不是这段文字</translation>
    </message>
    <message>
        <source>&lt;b&gt;{token}&lt;/b&gt; with probability {p}</source>
        <translation>&lt;b&gt;{token}&lt;/b&gt;，概率 {p}</translation>
    </message>
</context>
</TS>
