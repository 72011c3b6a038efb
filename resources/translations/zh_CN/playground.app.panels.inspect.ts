<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>InspectPanel</name>
    <message>
        <source>Inspect</source>
        <translation>剖析</translation>
    </message>
    <message>
        <source>Step through the model stage by stage</source>
        <translation>逐个阶段地查看模型的前向传播</translation>
    </message>
    <message>
        <source>Switch heads off</source>
        <translation>关闭注意力头</translation>
    </message>
    <message>
        <source>Lens</source>
        <translation>透镜</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>A text to trace, like those the model was trained on</source>
        <translation>要追踪的文本，与模型训练时读过的文本相似即可</translation>
    </message>
    <message>
        <source>Output so far</source>
        <translation>已有输出</translation>
    </message>
    <message>
        <source>optional: the start of the answer</source>
        <translation>可选：答案的开头</translation>
    </message>
    <message>
        <source>Trace</source>
        <translation>追踪</translation>
    </message>
    <message>
        <source>Run one forward pass on a snapshot of the weights and record every stage</source>
        <translation>在权重的快照上做一次前向传播，记录每一个阶段</translation>
    </message>
    <message>
        <source>Next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <source>Append the model&apos;s most likely next token and trace again</source>
        <translation>接上模型认为最可能的下一个词元，再追踪一次</translation>
    </message>
    <message>
        <source>Refresh while training, every</source>
        <translation>训练时自动刷新，每</translation>
    </message>
    <message>
        <source>Refresh every</source>
        <translation>刷新间隔</translation>
    </message>
    <message>
        <source> steps</source>
        <translation> 步</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一阶段</translation>
    </message>
    <message>
        <source>The previous stage (Left arrow)</source>
        <translation>上一个阶段（左方向键）</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一阶段 ▶</translation>
    </message>
    <message>
        <source>The next stage (Right arrow)</source>
        <translation>下一个阶段（右方向键）</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Type an input and press Trace.</source>
        <translation>输入文本，然后按“追踪”。</translation>
    </message>
    <message>
        <source>Choose a dataset in the Data panel first.</source>
        <translation>请先在“数据”面板中选择数据集。</translation>
    </message>
    <message>
        <source>Type a few words to trace first: the model reads them and predicts the next token.</source>
        <translation>请先输入几个字词再追踪：模型会读入它们并预测下一个词元。</translation>
    </message>
    <message>
        <source>Tracing…</source>
        <translation>正在追踪…</translation>
    </message>
    <message>
        <source>{n} stages recorded from the pretrained weights.</source>
        <translation>用预训练权重记录了 {n} 个阶段。</translation>
    </message>
    <message>
        <source>{n} stages recorded from the weights at step {step}.</source>
        <translation>用第 {step} 步的权重记录了 {n} 个阶段。</translation>
    </message>
    <message>
        <source>Tracing failed: {message}</source>
        <translation>追踪失败：{message}</translation>
    </message>
    <message>
        <source>Enc. output</source>
        <translation>编码器输出</translation>
    </message>
    <message>
        <source>LSTM {i}</source>
        <translation>LSTM {i}</translation>
    </message>
    <message>
        <source>Enc. {i}</source>
        <translation>编码 {i}</translation>
    </message>
    <message>
        <source>Dec. {i}</source>
        <translation>解码 {i}</translation>
    </message>
    <message>
        <source>Layer {i}</source>
        <translation>第 {i} 层</translation>
    </message>
    <message>
        <source>stage {i} of {n} ·</source>
        <translation>第 {i}/{n} 阶段 ·</translation>
    </message>
    <message>
        <source>Source: {title}</source>
        <translation>编码器：{title}</translation>
    </message>
    <message>
        <source>The context is full: no token can follow.</source>
        <translation>上下文已满：后面不能再接词元。</translation>
    </message>
    <message>
        <source>The model ended the output with &lt;eos&gt;.</source>
        <translation>模型以 &lt;eos&gt; 结束了输出。</translation>
    </message>
    <message>
        <source>The model&apos;s next tokens are bytes that make no character, which text cannot hold: train the model more, or type the next character.</source>
        <translation>模型接下来的词元是拼不成字符的字节，文本里放不下：请再多训练一会儿，或自己输入下一个字符。</translation>
    </message>
    <message>
        <source>, </source>
        <comment>between the likeliest next tokens</comment>
        <translation>，</translation>
    </message>
    <message>
        <source>Next token: {top}</source>
        <translation>下一个词元：{top}</translation>
    </message>
    <message>
        <source>Greedy output: {text}</source>
        <translation>贪心解码输出：{text}</translation>
    </message>
    <message>
        <source>All heads on — next token: {top}</source>
        <translation>所有注意力头开启——下一个词元：{top}</translation>
    </message>
    <message>
        <source>All heads on — greedy output: {text}</source>
        <translation>所有注意力头开启——贪心解码输出：{text}</translation>
    </message>
    <message>
        <source>Heads switched off: {n} — next token: {top}</source>
        <translation>已关闭 {n} 个注意力头——下一个词元：{top}</translation>
    </message>
    <message>
        <source>With heads off — greedy output: {text}</source>
        <translation>关闭注意力头后——贪心解码输出：{text}</translation>
    </message>
    <message>
        <source>Largest change of a logit: {d}</source>
        <translation>logit 的最大变化：{d}</translation>
    </message>
    <message>
        <source>Recorded at step {step}; the model is now at step {now}: press Trace to see it.</source>
        <translation>记录于第 {step} 步；模型现已到第 {now} 步：按“追踪”查看。</translation>
    </message>
    <message>
        <source>Recorded at step {step}; the model is now at step {now}, traced again every {n} steps.</source>
        <translation>记录于第 {step} 步；模型现已到第 {now} 步，每 {n} 步重新追踪一次。</translation>
    </message>
    <message>
        <source>Recorded at step {step}; the model is now at step {now}, traced again when training pauses or stops.</source>
        <translation>记录于第 {step} 步；模型现已到第 {now} 步，训练暂停或停止时会重新追踪。</translation>
    </message>
    <message>
        <source>Recorded at step {step}; the model is now at step {now}.</source>
        <translation>记录于第 {step} 步；模型现已到第 {now} 步。</translation>
    </message>
</context>
</TS>
