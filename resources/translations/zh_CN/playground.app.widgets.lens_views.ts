<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttributionView</name>
    <message>
        <source>How much the embeddings and each layer&apos;s attention and feed-forward output push the score of the first token above the second, with the final layer norm frozen at its scale. The bars add up to the real difference.</source>
        <translation>嵌入以及每一层的注意力和前馈网络输出，各把第一个词元的分数比第二个推高了多少（最终层归一化固定在它的缩放上）。各条相加正好等于真实的差值。</translation>
    </message>
    <message>
        <source>After position</source>
        <translation>在位置</translation>
    </message>
    <message>
        <source>why</source>
        <translation>之后，为什么是</translation>
    </message>
    <message>
        <source>and not</source>
        <translation>而不是</translation>
    </message>
    <message>
        <source>Final norm bias</source>
        <translation>最终归一化的偏置</translation>
    </message>
    <message>
        <source>Sum of the parts: {total}; the model&apos;s logit difference {a} − {b}: {real}</source>
        <translation>各部分之和：{total}；模型的 logit 差 {a} − {b}：{real}</translation>
    </message>
</context>
<context>
    <name>LensTabs</name>
    <message>
        <source>Logit lens</source>
        <translation>Logit 透镜</translation>
    </message>
    <message>
        <source>Why this token</source>
        <translation>为什么是这个词元</translation>
    </message>
    <message>
        <source>Attention over rows</source>
        <translation>多行注意力</translation>
    </message>
</context>
<context>
    <name>LogitLensView</name>
    <message>
        <source>What each layer would predict next if the model stopped there: the final norm and the output layer applied to that layer&apos;s residual stream. Click a cell for its most likely tokens.</source>
        <translation>如果模型在这一层就停下，它会预测哪个下一个词元：把最终归一化和输出层用在这一层的残差流上。点击单元格查看最可能的词元。</translation>
    </message>
    <message>
        <source>Click a cell to see its top tokens.</source>
        <translation>点击单元格查看它最可能的词元。</translation>
    </message>
    <message>
        <source>“{token}”: {p}</source>
        <translation>“{token}”：{p}</translation>
    </message>
    <message>
        <source>{row}, after position {pos}:</source>
        <translation>{row}，位置 {pos} 之后：</translation>
    </message>
</context>
<context>
    <name>RowAttentionView</name>
    <message>
        <source>Select several query tokens (Ctrl- or Shift-click) to see where they look together, for every head.</source>
        <translation>选择多个查询词元（按住 Ctrl 或 Shift 点击），查看它们合在一起在每个头里看向哪里。</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Sum</source>
        <translation>求和</translation>
    </message>
    <message>
        <source>head {h}</source>
        <translation>头 {h}</translation>
    </message>
</context>
<context>
    <name>SignedBars</name>
    <message>
        <source>1 smaller part not shown: {sum}</source>
        <translation>另有 1 个较小的部分未显示：{sum}</translation>
    </message>
    <message>
        <source>{n} smaller parts not shown, together {sum}</source>
        <translation>另有 {n} 个较小的部分未显示，合计 {sum}</translation>
    </message>
</context>
</TS>
