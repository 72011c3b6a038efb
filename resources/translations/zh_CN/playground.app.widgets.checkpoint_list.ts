<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CheckpointList</name>
    <message>
        <source>Checkpoints</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>Double-click to open the folder</source>
        <translation>双击打开所在文件夹</translation>
    </message>
    <message>
        <source>Save a checkpoint now</source>
        <translation>立即保存检查点</translation>
    </message>
    <message>
        <source>Load the best checkpoint</source>
        <translation>载入最佳检查点</translation>
    </message>
    <message>
        <source>Open the model of the best evaluation so far, by the task&apos;s headline metric, in Inspect and Generate</source>
        <translation>在“剖析”和“生成”中打开目前为止按任务主要指标评估最好的模型</translation>
    </message>
    <message>
        <source>step {step}</source>
        <translation>第 {step} 步</translation>
    </message>
    <message>
        <source>best: step {step}</source>
        <translation>最佳：第 {step} 步</translation>
    </message>
    <message>
        <source>The best evaluation so far by the task&apos;s headline metric</source>
        <translation>目前为止按任务主要指标最好的一次评估</translation>
    </message>
</context>
</TS>
