<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Diagram</name>
    <message>
        <source>{h} heads × {s}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Masked self-attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Self-attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weights (B, {h}, {t}, {t})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weights (B, {h}, {t}, {s}), keys from the memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cross-attention · {heads}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed-forward {d} → {f} → {d}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LayerNorm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>residual</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, × √{d}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{v} × {d} table{scale}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token embedding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} × {d} table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>+ learned positions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>+ sinusoidal positions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fixed sin/cos, no weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; RoPE rotates queries and keys in every attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source token ids</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Encoder layer {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Final LayerNorm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory: the encoded source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read by every cross-attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target token ids (shifted right)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token ids</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decoder layer {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, shares the token embedding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{d} → {v}{tied}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LM head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logits → softmax → next-token probabilities</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
