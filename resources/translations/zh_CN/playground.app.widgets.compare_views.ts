<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CompareCurves</name>
    <message>
        <source>run</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>curve</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>training time (s)</source>
        <translation>训练时间（秒）</translation>
    </message>
    <message>
        <source>loss (solid: training, dashed: validation)</source>
        <translation>损失（实线：训练，虚线：验证）</translation>
    </message>
</context>
<context>
    <name>CompareTable</name>
    <message>
        <source>Evaluated at step</source>
        <translation>评估所在步</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Tokens/s (median)</source>
        <translation>词元/秒（中位数）</translation>
    </message>
    <message>
        <source>Training time</source>
        <translation>训练时间</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Setting: {name}</source>
        <translation>设置：{name}</translation>
    </message>
    <message>
        <source>{name}: {values}</source>
        <translation>{name}：{values}</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source> vs </source>
        <translation> 对 </translation>
    </message>
    <message>
        <source>model family</source>
        <translation>模型类型</translation>
    </message>
    <message>
        <source>architecture</source>
        <translation>结构</translation>
    </message>
    <message>
        <source>positions</source>
        <translation>位置编码</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>heads</source>
        <translation>注意力头数</translation>
    </message>
    <message>
        <source>encoder layers</source>
        <translation>编码器层数</translation>
    </message>
    <message>
        <source>width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>feed-forward width</source>
        <translation>前馈网络宽度</translation>
    </message>
    <message>
        <source>context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>dropout</source>
        <translation>dropout</translation>
    </message>
    <message>
        <source>LSTM hidden size</source>
        <translation>LSTM 隐藏层大小</translation>
    </message>
    <message>
        <source>vocabulary size</source>
        <translation>词表大小</translation>
    </message>
    <message>
        <source>embedding shared with the output</source>
        <translation>嵌入与输出层共享</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>biases</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>padding id</source>
        <translation>填充 id</translation>
    </message>
    <message>
        <source>final learning rate</source>
        <translation>最终学习率</translation>
    </message>
    <message>
        <source>warm-up steps</source>
        <translation>预热步数</translation>
    </message>
    <message>
        <source>learning-rate decay steps</source>
        <translation>学习率衰减步数</translation>
    </message>
    <message>
        <source>weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>Adam β1</source>
        <translation>Adam β1</translation>
    </message>
    <message>
        <source>Adam β2</source>
        <translation>Adam β2</translation>
    </message>
    <message>
        <source>gradient clipping</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <source>batch size</source>
        <translation>批次大小</translation>
    </message>
    <message>
        <source>gradient accumulation</source>
        <translation>梯度累积</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>evaluate every</source>
        <translation>评估间隔</translation>
    </message>
    <message>
        <source>evaluation batches</source>
        <translation>评估批次数</translation>
    </message>
    <message>
        <source>examples evaluated</source>
        <translation>评估样例数</translation>
    </message>
    <message>
        <source>checkpoint every</source>
        <translation>检查点间隔</translation>
    </message>
    <message>
        <source>mixed precision</source>
        <translation>混合精度</translation>
    </message>
    <message>
        <source>bf16 on the CPU (AMX)</source>
        <translation>CPU 上的 bf16（AMX）</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>health check every</source>
        <translation>健康检查间隔</translation>
    </message>
    <message>
        <source>learned</source>
        <translation>可学习</translation>
    </message>
    <message>
        <source>sinusoidal</source>
        <translation>正弦</translation>
    </message>
    <message>
        <source>RoPE</source>
        <translation>RoPE</translation>
    </message>
    <message>
        <source>pre-LN</source>
        <translation>前置层归一化</translation>
    </message>
    <message>
        <source>post-LN</source>
        <translation>后置层归一化</translation>
    </message>
    <message>
        <source>Transformer</source>
        <translation>Transformer</translation>
    </message>
    <message>
        <source>LSTM</source>
        <translation>LSTM</translation>
    </message>
    <message>
        <source>decoder-only</source>
        <translation>仅解码器</translation>
    </message>
    <message>
        <source>encoder-decoder</source>
        <translation>编码器-解码器</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
</context>
</TS>
