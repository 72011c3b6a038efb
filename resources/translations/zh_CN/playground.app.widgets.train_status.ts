<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TrainStatus</name>
    <message>
        <source>step {step} of {target}</source>
        <translation>第 {step} / {target} 步</translation>
    </message>
    <message>
        <source>Tokens/s:</source>
        <translation>词元/秒：</translation>
    </message>
    <message>
        <source>Elapsed:</source>
        <translation>已用时间：</translation>
    </message>
    <message>
        <source>Remaining:</source>
        <translation>剩余时间：</translation>
    </message>
    <message>
        <source>Pretrained weights: not trained here</source>
        <translation>预训练权重：未在此训练</translation>
    </message>
    <message>
        <source>{state} · step {step}</source>
        <translation>{state} · 第 {step} 步</translation>
    </message>
</context>
</TS>
