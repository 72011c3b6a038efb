<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttentionGradView</name>
    <message>
        <source>A (forward)</source>
        <translation>A（前向传播）</translation>
    </message>
    <message>
        <source>∂L/∂A (backward)</source>
        <translation>∂L/∂A（反向传播）</translation>
    </message>
    <message>
        <source>Head {h}: where the loss wants each query to look more (red) or less (blue).</source>
        <translation>注意力头 {h}：损失希望每个查询更多（红）或更少（蓝）地关注哪里。</translation>
    </message>
</context>
<context>
    <name>BackwardViews</name>
    <message>
        <source>Apply this step?</source>
        <translation>应用这一步？</translation>
    </message>
    <message>
        <source>This changes your model&apos;s weights by one training step on this example (loss {before} → {after}). Go on?</source>
        <translation>这会用这条样例上的一次训练步骤改动模型的权重（损失 {before} → {after}）。继续吗？</translation>
    </message>
    <message>
        <source>clipped</source>
        <translation>已裁剪</translation>
    </message>
    <message>
        <source>gradient</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>first moment</source>
        <translation>一阶矩</translation>
    </message>
    <message>
        <source>second moment</source>
        <translation>二阶矩</translation>
    </message>
    <message>
        <source>bias-corrected m</source>
        <translation>偏差修正后的 m</translation>
    </message>
    <message>
        <source>bias-corrected v</source>
        <translation>偏差修正后的 v</translation>
    </message>
    <message>
        <source>update</source>
        <translation>更新量</translation>
    </message>
    <message>
        <source>weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>new weight</source>
        <translation>新权重</translation>
    </message>
    <message>
        <source>AdamW step {t} for {name}[{index}]: {old} → {new}</source>
        <translation>AdamW 第 {t} 步，{name}[{index}]：{old} → {new}</translation>
    </message>
    <message>
        <source>quantity</source>
        <translation>量</translation>
    </message>
    <message>
        <source>formula</source>
        <translation>公式</translation>
    </message>
    <message>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>(AdamW step {t}, as the trainer runs it)</source>
        <translation>（AdamW 第 {t} 步，与训练器的计算相同）</translation>
    </message>
</context>
<context>
    <name>LogitGradTable</name>
    <message>
        <source>Token</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>softmax p</source>
        <translation>softmax p</translation>
    </message>
    <message>
        <source>one-hot y</source>
        <translation>独热 y</translation>
    </message>
    <message>
        <source>p − y</source>
        <translation>p − y</translation>
    </message>
    <message>
        <source>∂L/∂z (recorded)</source>
        <translation>∂L/∂z（记录值）</translation>
    </message>
</context>
<context>
    <name>LossTable</name>
    <message>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Input token</source>
        <translation>输入词元</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>p(target)</source>
        <translation>p(目标)</translation>
    </message>
    <message>
        <source>−log p(target)</source>
        <translation>−log p(目标)</translation>
    </message>
    <message>
        <source>The loss is the mean of −log p(target) over the {n} positions that have a target: {mean}. Click a row for its ∂L/∂logits.</source>
        <translation>损失是 {n} 个有目标的位置上 −log p(目标) 的平均值：{mean}。点击一行查看它的 ∂L/∂logits。</translation>
    </message>
</context>
<context>
    <name>OptimizerStepView</name>
    <message>
        <source>The weight whose update is worked out</source>
        <translation>要推算更新的权重</translation>
    </message>
    <message>
        <source>Row of the element (or click a cell of the weight&apos;s gradient heatmap)</source>
        <translation>元素所在的行（也可以点击该权重梯度热力图中的格子）</translation>
    </message>
    <message>
        <source>Column of the element</source>
        <translation>元素所在的列</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Apply this step…</source>
        <translation>应用这一步…</translation>
    </message>
    <message>
        <source>Change your model&apos;s weights by this one step (asks first)</source>
        <translation>用这一步改动模型的权重（会先询问）</translation>
    </message>
    <message>
        <source>Index</source>
        <translation>下标</translation>
    </message>
</context>
<context>
    <name>ParameterNormsTable</name>
    <message>
        <source>Click a column heading to sort; click a weight to see its gradient.</source>
        <translation>点击列标题排序；点击一个权重查看它的梯度。</translation>
    </message>
    <message>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>‖gradient‖</source>
        <translation>‖梯度‖</translation>
    </message>
    <message>
        <source>‖update‖ / ‖weight‖</source>
        <translation>‖更新量‖ / ‖权重‖</translation>
    </message>
</context>
</TS>
