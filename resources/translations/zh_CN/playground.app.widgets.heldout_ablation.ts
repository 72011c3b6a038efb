<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>HeldoutAblation</name>
    <message>
        <source>Measure the loss on held-out data</source>
        <translation>在验证集上测量损失</translation>
    </message>
    <message>
        <source>The validation loss with all heads on, with the heads switched off, and with each head alone switched off (a few seconds)</source>
        <translation>验证集损失：所有注意力头开启、关闭所选的头、以及每次只关闭一个头（需要几秒钟）</translation>
    </message>
    <message>
        <source> batches</source>
        <translation> 个批次</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>Δ loss when off</source>
        <translation>关闭后的损失变化 Δ</translation>
    </message>
    <message>
        <source>How much do the heads matter beyond this one input? Measure the loss on held-out examples.</source>
        <translation>除了这一个输入之外，这些头还有多重要？在验证集样本上测量损失即可知道。</translation>
    </message>
    <message>
        <source>Measuring failed: {message}</source>
        <translation>测量失败：{message}</translation>
    </message>
    <message>
        <source>Measuring…</source>
        <translation>正在测量…</translation>
    </message>
    <message>
        <source>Held-out loss with all heads on: {loss} ({n} tokens)</source>
        <translation>所有头开启时的验证集损失：{loss}（{n} 个词元）</translation>
    </message>
    <message>
        <source>With the switched-off heads: {loss} (change {delta})</source>
        <translation>关闭所选的头后：{loss}（变化 {delta}）</translation>
    </message>
</context>
</TS>
