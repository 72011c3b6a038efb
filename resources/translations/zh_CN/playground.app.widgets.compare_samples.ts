<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CompareSamples</name>
    <message>
        <source>A prompt (or a source, for a task of examples); empty: a new line</source>
        <translation>提示词（对源 → 目标的示例任务则是源文本）；留空表示换行</translation>
    </message>
    <message>
        <source>The same seed for every run: the texts differ only by the models</source>
        <translation>每次训练都用同一个随机种子：生成的文本只因模型不同而不同</translation>
    </message>
    <message>
        <source>Tokens to generate at most</source>
        <translation>最多生成的词元数</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Sample from each run&apos;s newest weights with this prompt and seed</source>
        <translation>用这个提示词和随机种子，从每次训练最新的权重采样</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元数</translation>
    </message>
    <message>
        <source>A prompt (or a task&apos;s source); empty: your text&apos;s own start, “{start}”</source>
        <translation>提示词（示例任务则是源文本）；留空：从你文本自身的开头“{start}”写起</translation>
    </message>
    <message>
        <source>(no sample: {reason})</source>
        <translation>（没有样例：{reason}）</translation>
    </message>
</context>
</TS>
