<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Diagram</name>
    <message>
        <source>{h} heads × {s}</source>
        <translation>{h} 个头 × {s}</translation>
    </message>
    <message>
        <source>Masked self-attention</source>
        <translation>掩码自注意力</translation>
    </message>
    <message>
        <source>Self-attention</source>
        <translation>自注意力</translation>
    </message>
    <message>
        <source>weights (B, {h}, {t}, {t})</source>
        <translation>权重 (B, {h}, {t}, {t})</translation>
    </message>
    <message>
        <source>weights (B, {h}, {t}, {s}), keys from the memory</source>
        <translation>权重 (B, {h}, {t}, {s})，键来自记忆</translation>
    </message>
    <message>
        <source>Cross-attention · {heads}</source>
        <translation>交叉注意力 · {heads}</translation>
    </message>
    <message>
        <source>Feed-forward {d} → {f} → {d}</source>
        <translation>前馈网络 {d} → {f} → {d}</translation>
    </message>
    <message>
        <source>LayerNorm</source>
        <translation>层归一化</translation>
    </message>
    <message>
        <source>residual</source>
        <translation>残差</translation>
    </message>
    <message>
        <source>, × √{d}</source>
        <translation>，× √{d}</translation>
    </message>
    <message>
        <source>{v} × {d} table{scale}</source>
        <translation>{v} × {d} 矩阵{scale}</translation>
    </message>
    <message>
        <source>Token embedding</source>
        <translation>词元嵌入</translation>
    </message>
    <message>
        <source>{n} × {d} table</source>
        <translation>{n} × {d} 矩阵</translation>
    </message>
    <message>
        <source>+ learned positions</source>
        <translation>+ 可学习的位置编码</translation>
    </message>
    <message>
        <source>+ sinusoidal positions</source>
        <translation>+ 正弦位置编码</translation>
    </message>
    <message>
        <source>fixed sin/cos, no weights</source>
        <translation>固定的 sin/cos，没有权重</translation>
    </message>
    <message>
        <source>; RoPE rotates queries and keys in every attention</source>
        <translation>；RoPE 在每个注意力中旋转查询和键</translation>
    </message>
    <message>
        <source>{v} × {d} table; no positions: the LSTM reads in order</source>
        <translation>{v} × {d} 的表；不加位置：LSTM 按顺序读取</translation>
    </message>
    <message>
        <source>{n} → {h}; input, forget, cell and output gates; state (h, c) carried along T</source>
        <translation>{n} → {h}；输入门、遗忘门、候选细胞和输出门；状态 (h, c) 沿 T 传递</translation>
    </message>
    <message>
        <source>LSTM layer {i}</source>
        <translation>LSTM 第 {i} 层</translation>
    </message>
    <message>
        <source>Dense (linear) layer</source>
        <translation>全连接（线性）层</translation>
    </message>
    <message>
        <source>Source token ids</source>
        <translation>源序列词元 ID</translation>
    </message>
    <message>
        <source>Encoder layer {i}</source>
        <translation>编码器第 {i} 层</translation>
    </message>
    <message>
        <source>Final LayerNorm</source>
        <translation>最终层归一化</translation>
    </message>
    <message>
        <source>Memory: the encoded source</source>
        <translation>记忆（memory）：编码后的源序列</translation>
    </message>
    <message>
        <source>read by every cross-attention</source>
        <translation>供每个交叉注意力读取</translation>
    </message>
    <message>
        <source>Target token ids (shifted right)</source>
        <translation>目标序列词元 ID（右移一位）</translation>
    </message>
    <message>
        <source>Token ids</source>
        <translation>词元 ID</translation>
    </message>
    <message>
        <source>Decoder layer {i}</source>
        <translation>解码器第 {i} 层</translation>
    </message>
    <message>
        <source>, shares the token embedding</source>
        <translation>，与词元嵌入共享权重</translation>
    </message>
    <message>
        <source>{d} → {v}{tied}</source>
        <translation>{d} → {v}{tied}</translation>
    </message>
    <message>
        <source>LM head</source>
        <translation>LM 头</translation>
    </message>
    <message>
        <source>Logits → softmax → next-token probabilities</source>
        <translation>logits → softmax → 下一个词元的概率</translation>
    </message>
</context>
</TS>
