<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TrainingStepSlider</name>
    <message>
        <source>Training step</source>
        <translation>训练步</translation>
    </message>
    <message>
        <source>Replay every view with the weights the model had at an earlier step of its training (a snapshot is kept at each evaluation)</source>
        <translation>用模型在训练早先某一步时的权重重放每个视图（每次评估时保存一份快照）</translation>
    </message>
    <message>
        <source>Step through the training snapshots one after another</source>
        <translation>依次播放各个训练快照</translation>
    </message>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ 暂停</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ 播放</translation>
    </message>
    <message>
        <source>pretrained weights</source>
        <translation>预训练权重</translation>
    </message>
    <message>
        <source>These weights were trained elsewhere: there are no training steps to replay here</source>
        <translation>这些权重是在别处训练的：这里没有可回放的训练步</translation>
    </message>
    <message>
        <source>step {step} (now)</source>
        <translation>第 {step} 步（当前）</translation>
    </message>
    <message>
        <source>step {step} of {now}</source>
        <translation>第 {step} 步，共 {now} 步</translation>
    </message>
    <message>
        <source>No earlier snapshot yet: train the model, and one is kept at each evaluation</source>
        <translation>还没有更早的快照：训练模型后，每次评估都会保存一份</translation>
    </message>
</context>
</TS>
