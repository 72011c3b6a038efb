<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MetricsTable</name>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Token accuracy</source>
        <translation>词元准确率</translation>
    </message>
    <message>
        <source>Exact match</source>
        <translation>完全匹配率</translation>
    </message>
    <message>
        <source>chrF</source>
        <translation>chrF（字符 n 元组 F 值）</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>F1 score</source>
        <translation>F1 值</translation>
    </message>
    <message>
        <source>The task&apos;s headline metric: the best evaluation is chosen by it</source>
        <translation>这个任务的主要指标：按它挑选最好的一次评估</translation>
    </message>
</context>
</TS>
