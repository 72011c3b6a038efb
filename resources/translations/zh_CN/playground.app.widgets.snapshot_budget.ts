<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SnapshotBudget</name>
    <message>
        <source>Snapshots for Inspect</source>
        <translation>供剖析用的快照</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Disk space for copies of the weights taken at each evaluation, which Inspect replays with its training-step slider. They are written to a temporary folder, not kept in memory, and removed when the model changes or the app closes. When the budget is full they are thinned out evenly, always keeping the first and the newest. They are kept in float32, exactly as the model trains, so a replay is the model of that step; 0 keeps none.</source>
        <translation>每次评估时复制一份权重所用的磁盘空间，剖析面板用训练步滑块重放它们。快照写入一个临时文件夹，不占内存；模型改变或应用关闭时删除。预算用满时均匀地删去一部分，始终保留第一份和最新一份。快照以 float32 保存，与训练时完全相同，所以重放的正是那一步的模型；设为 0 则不保存。</translation>
    </message>
    <message>
        <source>Disk budget</source>
        <translation>磁盘预算</translation>
    </message>
    <message>
        <source>{n} kept, {used} of {budget}.</source>
        <translation>已保存 {n} 份，占用 {used}，预算 {budget}。</translation>
    </message>
    <message>
        <source>One is {size}: the budget holds {k}.</source>
        <translation>每份 {size}：预算可容纳 {k} 份。</translation>
    </message>
    <message>
        <source>Raise it to replay training in Inspect.</source>
        <translation>请调高预算，才能在剖析面板中重放训练过程。</translation>
    </message>
</context>
</TS>
