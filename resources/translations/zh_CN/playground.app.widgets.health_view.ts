<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>HealthPlot</name>
    <message>
        <source>Top: each layer&apos;s gradient norm (before clipping). Bottom: how much one step changes its weights. Dashed: 1% of the weights (5% for the embeddings); above it for long, a warning comes.</source>
        <translation>上图：各层的梯度范数（裁剪前）。下图：一步更新使权重改变多少。虚线：权重的 1%（嵌入层为 5%）；长时间高于它就会出现警告。</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>embedding</source>
        <translation>嵌入层</translation>
    </message>
    <message>
        <source>head</source>
        <translation>输出层</translation>
    </message>
    <message>
        <source>enc {n}</source>
        <translation>编码 {n}</translation>
    </message>
    <message>
        <source>dec {n}</source>
        <translation>解码 {n}</translation>
    </message>
</context>
<context>
    <name>HealthView</name>
    <message>
        <source>Attention entropy per head</source>
        <translation>各注意力头的熵</translation>
    </message>
    <message>
        <source>Attention entropy per head: rows are attention layers (E encoder, D decoder, C cross-attention), columns heads</source>
        <translation>各注意力头的熵：行是注意力层（编＝编码器，解＝解码器，交＝交叉注意力），列是注意力头</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>gradient norm, {layer}</source>
        <translation>梯度范数，{layer}</translation>
    </message>
    <message>
        <source>update / weight, {layer}</source>
        <translation>更新 / 权重，{layer}</translation>
    </message>
    <message>
        <source>head {h}</source>
        <translation>头 {h}</translation>
    </message>
    <message>
        <source>entropy (nats)</source>
        <translation>熵（奈特）</translation>
    </message>
    <message>
        <source>Measured at each evaluation, on the same held-out examples.</source>
        <translation>每次评估时在同一批留出样本上测量。</translation>
    </message>
    <message>
        <source>E{n}</source>
        <translation>编{n}</translation>
    </message>
    <message>
        <source>C{n}</source>
        <translation>交{n}</translation>
    </message>
    <message>
        <source>D{n}</source>
        <translation>解{n}</translation>
    </message>
    <message>
        <source>Step {step}. 0 nats: a head looks at one token; {top:.2f}: evenly at the whole context.</source>
        <translation>第 {step} 步。0 奈特：头只看一个词元；{top:.2f}：均匀地看整个上下文。</translation>
    </message>
    <message>
        <source>{module}, head {h}: {e:.2f} nats</source>
        <translation>{module}，第 {h} 个头：{e:.2f} 奈特</translation>
    </message>
    <message>
        <source>No measurements yet: they come every few steps while the model trains.</source>
        <translation>还没有测量：模型训练时每隔几步测量一次。</translation>
    </message>
    <message>
        <source>Nothing looks off: gradients, updates and attention are in a healthy range.</source>
        <translation>一切正常：梯度、更新和注意力都在健康范围内。</translation>
    </message>
</context>
</TS>
