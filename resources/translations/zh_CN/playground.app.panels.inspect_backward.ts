<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackwardMode</name>
    <message>
        <source>Forward</source>
        <translation>前向传播</translation>
    </message>
    <message>
        <source>Step through the forward pass: from tokens to the next-token probabilities</source>
        <translation>逐步查看前向传播：从词元到下一个词元的概率</translation>
    </message>
    <message>
        <source>Backward</source>
        <translation>反向传播</translation>
    </message>
    <message>
        <source>Step through one training step on this input: the loss, the gradients flowing back and the optimizer&apos;s update</source>
        <translation>逐步查看在这条输入上的一次训练：损失、反向流动的梯度和优化器的更新</translation>
    </message>
    <message>
        <source>Running one training step on a copy of the model…</source>
        <translation>正在模型的副本上运行一次训练步骤…</translation>
    </message>
    <message>
        <source>Nothing new was recorded: the stages shown are from the last trace.</source>
        <translation>没有记录到新内容：显示的各阶段来自上一次追踪。</translation>
    </message>
    <message>
        <source>{n} backward stages from the pretrained weights.</source>
        <translation>反向传播共 {n} 个阶段，取自预训练权重。</translation>
    </message>
    <message>
        <source>{n} backward stages from the weights at step {step}.</source>
        <translation>反向传播共 {n} 个阶段，取自第 {step} 步的权重。</translation>
    </message>
    <message>
        <source>Pause or stop training first: the trainer is changing these weights.</source>
        <translation>请先暂停或停止训练：训练器正在改动这些权重。</translation>
    </message>
    <message>
        <source>This step was taken on the model of an earlier training step: move the training-step slider to the right end (now), then apply.</source>
        <translation>这一步是在较早训练步的模型上算的：请把训练步滑块移到最右（当前），再应用。</translation>
    </message>
    <message>
        <source>The model has changed since this step was recorded: press Trace, then apply.</source>
        <translation>记录这一步之后模型已经变了：请先按“追踪”，再应用。</translation>
    </message>
    <message>
        <source>Applied one step: the loss on this example went from {before} to {after}. The model is not saved.</source>
        <translation>已应用一步：这条样例的损失从 {before} 变为 {after}。模型尚未保存。</translation>
    </message>
</context>
</TS>
