<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SamplingForm</name>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Below 1: sharper, safer choices. Above 1: flatter, more surprising.</source>
        <translation>小于 1：分布更尖锐，选择更稳妥。大于 1：分布更平坦，结果更出人意料。</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Draw only from the k likeliest tokens</source>
        <translation>只从概率最高的 k 个词元中抽取</translation>
    </message>
    <message>
        <source>Draw only from the likeliest tokens whose probabilities add up to p (1: all)</source>
        <translation>只从概率最高、累计概率达到 p 的那些词元中抽取（1：全部）</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Same seed, same text</source>
        <translation>相同的种子，相同的文本</translation>
    </message>
    <message>
        <source>Greedy: always the likeliest token</source>
        <translation>贪心解码：总是选概率最高的词元</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>top-p</translation>
    </message>
    <message>
        <source>Maximum tokens</source>
        <translation>最多词元数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
</context>
</TS>
