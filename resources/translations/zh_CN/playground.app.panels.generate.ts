<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>GeneratePanel</name>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Sample text from the model, token by token</source>
        <translation>从模型中逐个词元地采样文本</translation>
    </message>
    <message>
        <source>Generate from the prompt (Ctrl+Enter)</source>
        <translation>根据提示词生成（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation>停止生成</translation>
    </message>
    <message>
        <source>The generated tokens appear here, tinted by their probability.</source>
        <translation>生成的词元显示在这里，底色表示它的概率。</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>The start of a text for the model to continue (empty: a new line)</source>
        <translation>一段文本的开头，由模型接着写（留空：从新的一行开始）</translation>
    </message>
    <message>
        <source>The input of the task, e.g. abcdef</source>
        <translation>任务的输入，例如 abcdef</translation>
    </message>
    <message>
        <source>Random held-out example</source>
        <translation>随机验证样例</translation>
    </message>
    <message>
        <source>A source the model never saw in training, with its expected answer</source>
        <translation>一个模型在训练中从未见过的输入，附带预期答案</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>probability: low</source>
        <translation>概率：低</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Alternatives</source>
        <translation>候选词元</translation>
    </message>
    <message>
        <source>Point at a token to see the tokens it beat.</source>
        <translation>将鼠标指向一个词元，查看被它胜过的候选词元。</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>Choose a dataset in the Data panel first.</source>
        <translation>请先在“数据”面板中选择数据集。</translation>
    </message>
    <message>
        <source>The start of a text for the model to continue (empty: your text&apos;s own start, “{start}”)</source>
        <translation>一段文本的开头，由模型接着写（留空：从你文本自身的开头“{start}”写起）</translation>
    </message>
    <message>
        <source>Pretrained model from {folder}.</source>
        <translation>来自 {folder} 的预训练模型。</translation>
    </message>
    <message>
        <source>⚠ Untrained model: its weights are random, so its output is random tokens. Train it in the Train panel first.</source>
        <translation>⚠ 模型尚未训练：权重是随机的，所以输出的也是随机词元。请先在“训练”面板中训练它。</translation>
    </message>
    <message>
        <source>Model trained for 1 step.</source>
        <translation>模型已训练 1 步。</translation>
    </message>
    <message>
        <source>Model trained for {n} steps.</source>
        <translation>模型已训练 {n} 步。</translation>
    </message>
    <message>
        <source>Not a held-out example: no expected answer to compare with.</source>
        <translation>这不是验证样例：没有可以对照的预期答案。</translation>
    </message>
    <message>
        <source>Expected: {target}</source>
        <translation>预期答案：{target}</translation>
    </message>
    <message>
        <source>✓ the model&apos;s answer matches</source>
        <translation>✓ 模型的答案一致</translation>
    </message>
    <message>
        <source>✗ the model&apos;s answer differs</source>
        <translation>✗ 模型的答案不同</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>⚠ Source tokens unknown to this {tokenizer}: {n} of {total}. The model sees &lt;unk&gt; in their place, not your text: use words from its training text, or a char or BPE tokenizer.</source>
        <translation>⚠ 输入中有此{tokenizer}不认识的词元：{total} 个中有 {n} 个。模型在这些位置看到的是 &lt;unk&gt;，而不是你的文字：请使用它训练文本里的词，或改用字符级或 BPE 分词器。</translation>
    </message>
    <message>
        <source>⚠ Prompt tokens unknown to this {tokenizer}: {n} of {total}. The model sees &lt;unk&gt; in their place, not your text: use words from its training text, or a char or BPE tokenizer.</source>
        <translation>⚠ 提示词中有此{tokenizer}不认识的词元：{total} 个中有 {n} 个。模型在这些位置看到的是 &lt;unk&gt;，而不是你的文字：请使用它训练文本里的词，或改用字符级或 BPE 分词器。</translation>
    </message>
    <message>
        <source>Generation failed: {message}</source>
        <translation>生成失败：{message}</translation>
    </message>
    <message>
        <source>No tokens generated.</source>
        <translation>没有生成任何词元。</translation>
    </message>
    <message>
        <source>1 token from the pretrained weights; probability {p}</source>
        <translation>用预训练权重生成了 1 个词元；概率 {p}</translation>
    </message>
    <message>
        <source>{n} tokens from the pretrained weights; mean probability {p}</source>
        <translation>用预训练权重生成了 {n} 个词元；平均概率 {p}</translation>
    </message>
    <message>
        <source>1 token from the weights at step {step}; probability {p}</source>
        <translation>用第 {step} 步的权重生成了 1 个词元；概率 {p}</translation>
    </message>
    <message>
        <source>{n} tokens from the weights at step {step}; mean probability {p}</source>
        <translation>用第 {step} 步的权重生成了 {n} 个词元；平均概率 {p}</translation>
    </message>
    <message>
        <source>; ended with &lt;eos&gt;</source>
        <translation>；以 &lt;eos&gt; 结束</translation>
    </message>
    <message>
        <source>Position {pos}: chose “{token}” with probability {p}</source>
        <translation>位置 {pos}：以 {p} 的概率选中了“{token}”</translation>
    </message>
</context>
</TS>
