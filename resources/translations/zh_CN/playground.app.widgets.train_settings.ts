<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TrainSettingsForm</name>
    <message>
        <source>Auto (best available)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the model trains. Auto picks a CUDA GPU, then an Apple GPU, then the CPU.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimizer steps each press of Start adds to the training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Examples (or text windows) in each step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Peak learning rate, reached after the warm-up, then decayed along a cosine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps over which the learning rate rises from 0 to its peak</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measure the validation metrics every this many steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same seed, same data order and same run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluate every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
