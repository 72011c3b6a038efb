<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TrainSettingsForm</name>
    <message>
        <source>Only for training on the CPU: choose the CPU as the device. A CUDA GPU already trains in bf16 where it supports it.</source>
        <translation>只用于在 CPU 上训练：请把设备选为 CPU。CUDA GPU 只要支持 bf16，本来就用 bf16 训练。</translation>
    </message>
    <message>
        <source>Auto (best available)</source>
        <translation>自动（最好的可用设备）</translation>
    </message>
    <message>
        <source>Where the model trains. Auto picks a CUDA GPU, then an Apple GPU, then the CPU.</source>
        <translation>模型在哪个设备上训练。“自动”依次优先选择 CUDA GPU、Apple GPU，最后是 CPU。</translation>
    </message>
    <message>
        <source>Optimizer steps each press of Start adds to the training</source>
        <translation>每按一次“开始”，训练增加的优化器步数</translation>
    </message>
    <message>
        <source>Examples (or text windows) in each step</source>
        <translation>每一步使用的样例（或文本窗口）数</translation>
    </message>
    <message>
        <source>Peak learning rate, reached after the warm-up, then decayed along a cosine</source>
        <translation>峰值学习率：预热结束时达到，之后按余弦曲线衰减</translation>
    </message>
    <message>
        <source>Steps over which the learning rate rises from 0 to its peak</source>
        <translation>学习率从 0 升到峰值所用的步数</translation>
    </message>
    <message>
        <source>Measure the validation metrics every this many steps</source>
        <translation>每隔这么多步，在验证集上评估一次指标</translation>
    </message>
    <message>
        <source>Same seed, same data order and same run</source>
        <translation>相同的种子，相同的数据顺序，相同的训练过程</translation>
    </message>
    <message>
        <source>bf16 on the CPU (AMX)</source>
        <translation>CPU 上的 bf16（AMX）</translation>
    </message>
    <message>
        <source>Matrix products in bfloat16 on this CPU&apos;s AMX units: faster steps, about the same loss (bfloat16 keeps about 3 significant digits). Weights and the optimizer stay in float32; Inspect&apos;s stages are always float32.</source>
        <translation>在这台 CPU 的 AMX 单元上用 bfloat16 做矩阵乘法：每一步更快，损失大致相同（bfloat16 约保留 3 位有效数字）。权重和优化器仍用 float32；剖析面板的各个阶段始终用 float32。</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Faster maths</source>
        <translation>更快的运算</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批次大小</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation>预热步数</translation>
    </message>
    <message>
        <source>Evaluate every</source>
        <translation>评估间隔</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
</context>
</TS>
